import { ApiError } from '../../lib/api';

/** A sign-in or register failure as a sentence for a person. */
export function authErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError))
    return 'Could not reach the EVision server. Check your connection and try again.';
  const wait = error.retryAfter !== undefined ? waitText(error.retryAfter) : 'a few minutes';
  switch (error.code) {
    case 'account_locked':
      return `Too many failed sign-ins: this account is locked for now. Try again in ${wait}.`;
    case 'rate_limited':
      return `Too many attempts from this device. Try again in ${wait}.`;
    case 'invalid_totp':
      return 'That code did not match. Enter the current code from your authenticator app, or a recovery code.';
    case 'invalid_credentials':
      return 'Incorrect username or password.';
    default:
      return error.message;
  }
}

function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const min = Math.ceil(seconds / 60);
  return `${min} minute${min === 1 ? '' : 's'}`;
}
