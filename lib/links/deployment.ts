// What the CDK construct and the functions agree on for snooze links, written once (as lib/deployment.ts
// does for the state table and the topics).

/** Environment variables: the link function's URL and the signing secret's ARN (check and link functions). */
export const LINK_ENV = {
  url: 'SNOOZE_LINK_URL',
  secretArn: 'SNOOZE_LINK_SECRET_ARN',
} as const;

/** The state-table partition that holds silences (lib/state/dynamodb-store.ts): the only one the link function may touch. */
export const SILENCES_PARTITION = '#silences';
