import type { Config } from '../../config';
import { AuditChain } from '../../infra/audit/chain';
import type { Db } from '../../infra/db/client';
import { SettingsService } from '../settings/service';
import { argon2Hasher, type PasswordHasher } from '../users/passwords';
import { UserService } from '../users/service';
import { AuthService } from './service';
import { TokenService } from './tokens';

export interface AccountServices {
  audit: AuditChain;
  tokens: TokenService;
  users: UserService;
  auth: AuthService;
  settings: SettingsService;
}

/** Wires the account services together (buildApp and the CLI's offline mode both use this). */
export function createAccountServices(options: {
  config: Config;
  db: Db;
  now: () => number;
  hasher?: PasswordHasher;
  onAuditFileError?: (err: unknown) => void;
}): AccountServices {
  const { config, db, now } = options;
  const audit = new AuditChain(db, config.auditLogPath, now, options.onAuditFileError);
  const tokens = new TokenService(db, config, now);
  const users = new UserService(db, config, options.hasher ?? argon2Hasher, audit, tokens, now);
  const auth = new AuthService(config, users, tokens, audit, now);
  const settings = new SettingsService(db, config, audit, now);
  return { audit, tokens, users, auth, settings };
}
