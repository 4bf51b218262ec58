/** What every router of the gateway is built from; assembled once per app by `createApp`. */
import type { EngineDeps } from '../engine/engine-deps.js';
import type { ProjectService } from '../engine/project-service.js';
import type { CostReport } from '../economics/cost-report.js';
import type { Authentication } from './auth/authenticator.js';
import type { LoginThrottle } from './auth/login-throttle.js';
import type { PasswordHasher } from './auth/password-hasher.js';
import type { ProviderKeyVault } from '../models/credentials/provider-key-vault.js';
import type { TokenConfig } from './auth/tokens.js';
import type { ZekkaMetrics } from './metrics/zekka-metrics.js';
import type { RateLimits } from './middleware/rate-limits.js';
import type { ApiRouter } from './openapi/api-router.js';
import type { AuditLog } from './services/audit-log.js';
import type { ProjectAccess } from './services/project-access.js';
import type { SystemSnapshot } from './metrics/system-snapshot.js';

export interface ApiContext {
  api: ApiRouter;
  engine: EngineDeps;
  projects: ProjectService;
  costs: CostReport;
  access: ProjectAccess;
  audit: AuditLog;
  auth: Authentication;
  hasher: PasswordHasher;
  tokens: TokenConfig;
  vault: ProviderKeyVault;
  limits: RateLimits;
  loginThrottle: LoginThrottle;
  metrics: ZekkaMetrics;
  system: SystemSnapshot;
}
