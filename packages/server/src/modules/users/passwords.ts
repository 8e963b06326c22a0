import { hash, verify } from '@node-rs/argon2';
import { COMMON_PASSWORDS } from './common-passwords';

/** Hashes and checks passwords. Injectable so tests can count verifications. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~50–125 ms per hash on this class of machine. */
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const ARGON2_OPTIONS = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password, ARGON2_OPTIONS),
  verify: async (stored, password) => {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  },
};

/**
 * Checked when the login names no user, so an unknown user costs the same argon2 work as a
 * wrong password and cannot be told apart. It is the hash of a random string nobody knows.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$oH01XkEH7nWKSzCHyk6CXQ$+kVsgw0M1uKqF3TAMyyvRN4prJpeNxze7dWEaIBDEIk';

/** The password rules beyond length (which the schema checks): returns a reason, or null when fine. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < 8) return 'must be at least 8 characters';
  if (password.length > 128) return 'must be at most 128 characters';
  const lower = password.toLowerCase();
  if (username && lower.includes(username.toLowerCase())) return 'must not contain the username';
  if (COMMON_PASSWORDS.has(lower)) return 'is too common';
  if (new Set(password).size < 3) return 'is too simple';
  return null;
}
