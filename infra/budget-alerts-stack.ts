import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BudgetAlerts, type BudgetAlertsProps } from './budget-alerts.js';
import { capitalize, hash } from './naming.js';

export interface BudgetAlertsStackProps extends StackProps, BudgetAlertsProps {}

/** The deployable stack: the BudgetAlerts construct and the outputs an operator needs. */
export class BudgetAlertsStack extends Stack {
  readonly alerts: BudgetAlerts;

  constructor(scope: Construct, id: string, props: BudgetAlertsStackProps) {
    super(scope, id, {
      description: 'budget-alerts: scheduled checks of prepaid API credits and monthly budgets, alerting through SNS',
      ...props,
    });
    this.alerts = new BudgetAlerts(this, 'BudgetAlerts', props);

    for (const { name, topic } of this.alerts.topics) {
      const what =
        name === 'alerts'
          ? 'SNS topic of the alerts (a subscription made by hand receives one copy per notify entry unless its filter policy names a target)'
          : name === 'alarms'
            ? 'SNS topic of the failure alarms (the monitor itself not running or failing)'
            : `SNS topic of ${name}`;
      new CfnOutput(this, name === 'alerts' || name === 'alarms' ? `${capitalize(name.slice(0, -1))}TopicArn` : `SlackTopicArn${hash(name)}`, {
        description: what,
        value: topic.topicArn,
      });
    }
    new CfnOutput(this, 'FunctionName', {
      description: 'The check function: aws lambda invoke --function-name <this> --payload \'{"dryRun":true}\' ...',
      value: this.alerts.function.functionName,
    });
    new CfnOutput(this, 'StateTableName', { description: 'DynamoDB table holding the alert state', value: this.alerts.table.tableName });
    new CfnOutput(this, 'DashboardUrl', { description: 'CloudWatch dashboard', value: this.alerts.dashboardUrl });
  }
}
