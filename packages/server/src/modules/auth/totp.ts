import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { sha256 } from './tokens';

export const TOTP_ISSUER = 'EVision';
export const TOTP_STEP_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export function otpauthUri(secret: string, label: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label, secret });
}

/**
 * ±1 time step (30 s) of clock drift. Answers the time step the code belongs to, or null when
 * it is not valid; the caller claims the step (UserRepo.claimTotpStep) so a code works once.
 */
export async function verifyTotp(secret: string, code: string, nowMs: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const epoch = Math.floor(nowMs / 1000);
    const result = await verify({ secret, token: code, epoch, epochTolerance: 30 });
    return result.valid === true ? Math.floor(epoch / TOTP_STEP_SECONDS) + result.delta : null;
  } catch {
    return null;
  }
}

/** Ten codes like `a1b2c-3d4e5` (40 random bits each); stored only as SHA-256. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const hex = randomBytes(5).toString('hex');
    return `${hex.slice(0, 5)}-${hex.slice(5)}`;
  });
}

export function normalizeRecoveryCode(code: string): string {
  return code.trim().toLowerCase().replace(/\s+/g, '');
}

export function recoveryCodeHash(code: string): string {
  return sha256(normalizeRecoveryCode(code));
}
