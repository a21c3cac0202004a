import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CUSTOMER_KEY_ARN, FULL, MINIMAL, buildStack } from './fixtures.js';

/** Every acknowledgment recorded in the stack: the construct it is on, the rule id and the reason. */
function acknowledgments(stack: Stack): { path: string; onResource: boolean; rule: string; reason: string }[] {
  return stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({
          path: construct.node.path,
          onResource: CfnResource.isCfnResource(construct),
          rule: rule.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** Findings as `rule @ construct path`, sorted. */
function findings(stack: Stack): string[] {
  return new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`))
    .sort();
}

const EXPECTED = [
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*] @ Test/BudgetAlerts/FunctionRole/DefaultPolicy/Resource',
  'AwsSolutions-SMG4 @ Test/BudgetAlerts/SnoozeLinkSecret/Resource',
  'AwsSolutions-SQS3 @ Test/BudgetAlerts/DeadLetterQueue/Resource',
];

describe('cdk-nag AwsSolutionsChecks', () => {
  afterEach(() => vi.restoreAllMocks());

  it('finds nothing unacknowledged in the stack with every notify kind (a new finding fails this test)', () => {
    expect(findings(buildStack(FULL))).toEqual([]);
  });

  it('finds nothing unacknowledged with a customer managed parameter key and no notify entries', () => {
    expect(findings(buildStack(MINIMAL, { parameterKmsKeyArn: CUSTOMER_KEY_ARN }))).toEqual([]);
  });

  it('acknowledges exactly these findings, each one rule on one resource, with a reason', () => {
    const acks = acknowledgments(buildStack(FULL));
    expect(acks.map((a) => `${a.rule} @ ${a.path}`).sort()).toEqual(EXPECTED);
    for (const ack of acks) {
      expect(ack.onResource).toBe(true);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });

  it('acknowledges only what would otherwise be found', () => {
    // Prepare: the same stack with acknowledgments switched off
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    // Act / Assess: the raw findings are exactly the acknowledged ones
    expect(findings(buildStack(FULL))).toEqual(EXPECTED);
  });

  it('needs no key acknowledgment when the parameters use a named customer managed key', () => {
    const acks = acknowledgments(buildStack(MINIMAL, { parameterKmsKeyArn: CUSTOMER_KEY_ARN }));
    expect(acks.map((a) => a.rule).sort()).toEqual(['AwsSolutions-SMG4', 'AwsSolutions-SQS3']);
  });
});
