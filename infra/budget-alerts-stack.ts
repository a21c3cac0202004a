import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BudgetAlerts, type BudgetAlertsProps } from './budget-alerts.js';
import { capitalize } from './naming.js';

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

    for (const { minSeverity, topic } of this.alerts.topics) {
      new CfnOutput(this, `${capitalize(minSeverity)}TopicArn`, {
        description: `SNS topic receiving alerts of severity ${minSeverity} and above (subscribe more endpoints here)`,
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
