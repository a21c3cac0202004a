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
import { TOPIC_TARGET, targetIdOf } from '../lib/delivery/targets.js';
import { severityRank } from '../lib/model.js';
import { hash } from './naming.js';

// Who is told. Routing is decided once per alert in the function, which publishes one message per
// notify entry with the entry's id in the `target` attribute; SNS subscription filter policies on
// the message attributes (target, severity rank, account, kind) deliver it to that entry alone — one
// shared topic instead of a topic per combination. AWS Chatbot makes its own subscription, which
// cannot carry a filter policy, so each Slack entry gets a topic of its own. CloudWatch alarms publish
// without message attributes, so failures go to an alarm topic every entry subscribes to unfiltered.

/** Chatbot configuration names: at most 128 characters, of which the stack-unique prefix takes up to 90. */
const CHATBOT_NAME_MAX = 128;
const CHATBOT_PREFIX_MAX = 90;
/** SNS refuses a filter policy of more than 150 value combinations; past that the function's routing alone decides. */
const MAX_FILTER_COMBINATIONS = 150;
/** The `kind` attribute of messages that are not one alert: a digest. */
const DIGEST_KIND = 'digest';

/** A topic and what it is for: a delivery target's id, or `alarms`. */
export interface AlertTopic {
  readonly name: string;
  readonly topic: sns.Topic;
}

/** The topics, their key, and where each delivery target's messages go. */
export interface AlertTopics {
  readonly topicKey: kms.Key;
  /** Every topic: the shared alert topic, each Slack entry's, the alarm topic. */
  readonly topics: readonly AlertTopic[];
  /** The topic each delivery target publishes to (`ALERT_TARGETS`). */
  readonly routes: readonly AlertTopic[];
  /** Where failure alarms publish: the alarm topic and each Slack entry's topic (and the shared one when nobody is listed). */
  readonly alarmTopics: readonly AlertTopic[];
}

export interface AlertTopicsProps {
  readonly notify: readonly NotifyTarget[];
  readonly removalPolicy: RemovalPolicy;
}

/** Creates the topic key, the shared alert topic, a topic per Slack entry, the alarm topic, and the subscriptions. */
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
  const topic = (id: string, displayName: string) => new sns.Topic(scope, id, { displayName, masterKey: topicKey, enforceSSL: true });
  const shared: AlertTopic = { name: 'alerts', topic: topic('AlertTopic', 'Budget alerts') };
  const alarms: AlertTopic = { name: 'alarms', topic: topic('AlarmTopic', 'Budget alerts: the monitor itself is failing') };

  const routes: AlertTopic[] = [];
  const slack: AlertTopic[] = [];
  const entries = new Map(props.notify.map((entry) => [targetIdOf(entry), entry]));
  for (const [target, entry] of entries) {
    // Ids come from the entry's endpoint, so reordering or re-routing the list replaces nothing (no new confirmations).
    const id = hash(target);
    if ('slack' in entry) {
      const own: AlertTopic = { name: target, topic: topic(`SlackTopic-${id}`, `Budget alerts for ${target}`) };
      chatbotChannel(scope, id, entry, [own.topic, alarms.topic]);
      routes.push(own);
      slack.push(own);
    } else {
      shared.topic.addSubscription(subscriptionOf(entry, filterPolicyOf(target, entry)));
      alarms.topic.addSubscription(subscriptionOf(entry, undefined));
      routes.push({ name: target, topic: shared.topic });
    }
  }
  // Nobody listed: the function publishes to the shared topic for whoever subscribes by hand, and so do the alarms.
  if (entries.size === 0) routes.push({ name: TOPIC_TARGET.id, topic: shared.topic });
  return {
    topicKey,
    topics: [shared, ...slack, alarms],
    routes,
    alarmTopics: [alarms, ...slack, ...(entries.size === 0 ? [shared] : [])],
  };
}

/** Gives the function its routes (ALERT_TARGETS) and the right to publish (encrypted) to their topics. */
export function attachAlertTopics(fn: lambda.Function, { routes, topicKey }: AlertTopics): void {
  fn.addEnvironment(FUNCTION_ENV.alertTargets, Stack.of(fn).toJsonString(routes.map(({ name, topic }) => ({ target: name, arn: topic.topicArn }))));
  const arns = [...new Set(routes.map((r) => r.topic.topicArn))];
  fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'PublishAlerts', actions: ['sns:Publish'], resources: arns }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({ sid: 'EncryptAlertsForTopics', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topicKey.keyArn] }),
  );
}

/**
 * The filter policy of a notify entry's subscription: its own target id (the function routes once per
 * alert), and the severity rank, accounts and kinds it takes — checked by SNS too. A digest carries the
 * kind `digest` and the highest rank.
 */
export function filterPolicyOf(target: string, entry: NotifyTarget): Record<string, sns.SubscriptionFilter> {
  const patterns = (list: readonly string[] | undefined, extra: readonly string[] = []) => {
    if (list === undefined) return undefined;
    const allowlist = [...list.filter((p) => !p.endsWith('*')), ...extra];
    const matchPrefixes = list.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
    return { allowlist, matchPrefixes, combinations: allowlist.length + matchPrefixes.length };
  };
  const accounts = patterns(entry.accounts);
  const kinds = patterns(entry.kinds, [DIGEST_KIND]);
  const fits = (accounts?.combinations ?? 1) * (kinds?.combinations ?? 1) <= MAX_FILTER_COMBINATIONS;
  const filter = (p: NonNullable<typeof accounts>) =>
    sns.SubscriptionFilter.stringFilter({ ...(p.allowlist.length > 0 && { allowlist: p.allowlist }), ...(p.matchPrefixes.length > 0 && { matchPrefixes: p.matchPrefixes }) });
  return {
    target: sns.SubscriptionFilter.stringFilter({ allowlist: [target] }),
    severityRank: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: severityRank(entry.minSeverity) }),
    ...(fits && accounts !== undefined && { account: filter(accounts) }),
    ...(fits && kinds !== undefined && { kind: filter(kinds) }),
  };
}

function subscriptionOf(entry: Exclude<NotifyTarget, { slack: unknown }>, filterPolicy: Record<string, sns.SubscriptionFilter> | undefined): sns.ITopicSubscription {
  const options = filterPolicy === undefined ? {} : { filterPolicy };
  if ('email' in entry) return new subscriptions.EmailSubscription(entry.email, options);
  if ('sms' in entry) return new subscriptions.SmsSubscription(entry.sms, options);
  return new subscriptions.UrlSubscription(entry.https, { protocol: sns.SubscriptionProtocol.HTTPS, ...options });
}

/** A Slack channel through AWS Chatbot, subscribed (by Chatbot itself) to its own topic and the alarm topic. */
function chatbotChannel(scope: Construct, id: string, entry: Extract<NotifyTarget, { slack: unknown }>, topics: sns.ITopic[]): void {
  const prefix = Names.uniqueResourceName(scope, { maxLength: CHATBOT_PREFIX_MAX, separator: '-' });
  new chatbot.SlackChannelConfiguration(scope, `Slack-${id}`, {
    slackChannelConfigurationName: `${prefix}-slack-${id}`.slice(0, CHATBOT_NAME_MAX),
    slackWorkspaceId: entry.slack.workspaceId,
    slackChannelId: entry.slack.channelId,
    notificationTopics: topics,
    loggingLevel: chatbot.LoggingLevel.ERROR,
    // Notifications only: nobody in the channel may run AWS commands through Chatbot.
    guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll')],
  });
}
