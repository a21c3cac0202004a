import { ArnFormat, Aws, Stack, Validations, type Duration, aws_iam as iam, type aws_lambda as lambda } from 'aws-cdk-lib';
import type { AccountConfig } from '../lib/config.js';
import { FUNCTION_ENV } from '../lib/deployment.js';

// The `{ssm}` API keys: SecureString parameters the function reads (through @middy/ssm) and keeps for a while.

export interface ApiKeysProps {
  readonly accounts: readonly AccountConfig[];
  /** How long a warm container keeps the keys it read. */
  readonly cacheTtl: Duration;
  /** The customer managed key of the parameters; the AWS managed aws/ssm key when undefined. */
  readonly parameterKmsKeyArn: string | undefined;
}

/**
 * Lets the function read the accounts' `{ssm}` keys: the cache TTL in SSM_CACHE_TTL_SECONDS, `ssm:GetParameters` on
 * exactly those parameters, and `kms:Decrypt` only through SSM and only for them.
 */
export function attachApiKeys(fn: lambda.Function, props: ApiKeysProps): void {
  fn.addEnvironment(FUNCTION_ENV.ssmCacheTtlSeconds, String(props.cacheTtl.toSeconds()));
  const stack = Stack.of(fn);
  const names = new Set(props.accounts.flatMap((account) => ('ssm' in account.apiKey ? [account.apiKey.ssm] : [])));
  if (names.size === 0) return;
  const parameterArns = [...names].map((name) =>
    stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, ''), arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadApiKeys', actions: ['ssm:GetParameters'], resources: parameterArns }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'DecryptApiKeysThroughSsm',
      actions: ['kms:Decrypt'],
      resources: [props.parameterKmsKeyArn ?? stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      conditions: {
        StringEquals: {
          'kms:ViaService': `ssm.${Aws.REGION}.${Aws.URL_SUFFIX}`,
          // SSM sets the parameter's ARN as encryption context: only these parameters can be decrypted.
          'kms:EncryptionContext:PARAMETER_ARN': parameterArns,
        },
      },
    }),
  );
  if (props.parameterKmsKeyArn === undefined) acknowledgeAnyParameterKey(fn);
}

/** The one cdk-nag finding the aws/ssm key brings: decryption on any key of the account, narrowed by conditions. */
function acknowledgeAnyParameterKey(fn: lambda.Function): void {
  const policy = fn.role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
  if (policy === undefined) throw new Error('the function role has no default policy'); // unreachable: permissions were just added
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]`,
    reason:
      'kms:Decrypt of the SecureString API keys under the AWS managed aws/ssm key, whose key id is not known at synth time; ' +
      'restricted to calls through SSM (kms:ViaService) for exactly the configured parameters (kms:EncryptionContext:PARAMETER_ARN). ' +
      'Set parameterKmsKeyArn to name a customer managed key instead.',
  });
}
