export type {
  Fault,
  FaultRule,
  RecordedRequest,
  Sandbox,
  SandboxAccountSpec,
  SandboxOptions,
  SandboxVendor,
} from './types.js';
export { SANDBOX_VENDORS } from './types.js';
export { startSandbox } from './server.js';
export { demoAccounts } from './demo.js';
