export type {
  Fault,
  FaultRule,
  JsonApiVendor,
  RecordedRequest,
  Sandbox,
  SandboxAccountSpec,
  SandboxOptions,
  SandboxVendor,
} from './types.js';
export { JSON_API_VENDORS, SANDBOX_VENDORS } from './types.js';
export { startSandbox } from './server.js';
export { demoAccounts } from './demo.js';
