import {
  Names,
  Stack,
  type RemovalPolicy,
  aws_chatbot as chatbot,
  aws_iam as iam,
  aws_kms as kms,
  type aws_lambda as lambda,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { NotifyTarget } from '../lib/config.js';
import { FUNCTION_ENV } from '../lib/deployment.js';
import { SEVERITIES, type Severity } from '../lib/model.js';
import { capitalize, hash } from './naming.js';

// Who is told: one KMS-encrypted, TLS-only topic per minimum severity in use, each `notify` entry
// subscribed to the topic of its minimum severity, and the function's right to publish to them.

/** The one topic there is when `notify` lists nobody: subscribers added by hand get warnings and above. */
const SEVERITY_WITHOUT_NOTIFY: Severity = 'warning';
/** Chatbot configuration names: at most 128 characters, of which the stack-unique prefix takes up to 90. */
const CHATBOT_NAME_MAX = 128;
const CHATBOT_PREFIX_MAX = 90;

/** One alert topic and the minimum severity it receives. */
export interface AlertTopic {
  readonly minSeverity: Severity;
  readonly topic: sns.Topic;
}

/** The alert topics and the customer managed key encrypting them. */
export interface AlertTopics {
  readonly topicKey: kms.Key;
  /** Least severe first. */
  readonly topics: readonly AlertTopic[];
}

export interface AlertTopicsProps {
  readonly notify: readonly NotifyTarget[];
  readonly removalPolicy: RemovalPolicy;
}

/** Creates the topic key, one topic per minimum severity in use, and a subscription per `notify` entry. */
export function addAlertTopics(scope: Construct, props: AlertTopicsProps): AlertTopics {
  const topicKey = new kms.Key(scope, 'TopicKey', {
    description: 'Encrypts the budget-alerts SNS topics',
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy,
  });
  // CloudWatch alarms publish to the encrypted topics; the function gets its grant through IAM (attachAlertTopics).
  topicKey.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );

  const inUse = new Set<Severity>(props.notify.map((target) => target.minSeverity));
  if (inUse.size === 0) inUse.add(SEVERITY_WITHOUT_NOTIFY);
  const topics = SEVERITIES.filter((severity) => inUse.has(severity)).map((minSeverity) => ({
    minSeverity,
    topic: new sns.Topic(scope, `${capitalize(minSeverity)}Topic`, {
      displayName: `Budget alerts (${minSeverity} and above)`,
      masterKey: topicKey,
      enforceSSL: true,
    }),
  }));

  // Ids come from the entry itself, so reordering the list replaces nothing (and re-sends no confirmations).
  const entries = new Map(props.notify.map((target) => [JSON.stringify(target), target]));
  for (const [key, target] of entries) {
    const topic = topics.find((t) => t.minSeverity === target.minSeverity)?.topic;
    if (topic === undefined) throw new Error(`no topic for severity ${target.minSeverity}`); // unreachable: built from the same list
    subscribe(scope, `${capitalize(target.minSeverity)}-${hash(key)}`, target, topic);
  }
  return { topicKey, topics };
}

/** Gives the function its topics: their ARNs by minimum severity in ALERT_TOPICS, and the right to publish (encrypted) to them. */
export function attachAlertTopics(fn: lambda.Function, { topics, topicKey }: AlertTopics): void {
  fn.addEnvironment(
    FUNCTION_ENV.alertTopics,
    Stack.of(fn).toJsonString(topics.map(({ minSeverity, topic }) => ({ minSeverity, arn: topic.topicArn }))),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: topics.map((t) => t.topic.topicArn) }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({ sid: 'EncryptAlertsForTopics', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topicKey.keyArn] }),
  );
}

/** Subscribes one `notify` entry to its topic (Slack through AWS Chatbot, which subscribes itself). */
function subscribe(scope: Construct, id: string, target: NotifyTarget, topic: sns.Topic): void {
  if ('email' in target) {
    topic.addSubscription(new subscriptions.EmailSubscription(target.email));
  } else if ('sms' in target) {
    topic.addSubscription(new subscriptions.SmsSubscription(target.sms));
  } else if ('https' in target) {
    topic.addSubscription(new subscriptions.UrlSubscription(target.https, { protocol: sns.SubscriptionProtocol.HTTPS }));
  } else {
    const prefix = Names.uniqueResourceName(scope, { maxLength: CHATBOT_PREFIX_MAX, separator: '-' });
    new chatbot.SlackChannelConfiguration(scope, `Slack-${id}`, {
      slackChannelConfigurationName: `${prefix}-slack-${id}`.slice(0, CHATBOT_NAME_MAX),
      slackWorkspaceId: target.slack.workspaceId,
      slackChannelId: target.slack.channelId,
      notificationTopics: [topic],
      loggingLevel: chatbot.LoggingLevel.ERROR,
      // Notifications only: nobody in the channel may run AWS commands through Chatbot.
      guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
    });
  }
}
