import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config';
import { AppError, badRequest } from '../../infra/errors';
import { passwordProblem } from '../users/passwords';
import type { UserService } from '../users/service';
import { escapeHtml, type Mailer } from './mailer';
import type { AlertRepo } from './repo';

export const VERIFY_TTL_MS = 24 * 3600_000;
export const RESET_TTL_MS = 3600_000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Signed e-mail links: verifying an address (stateless: HMAC over user, address and expiry, so
 * a changed address invalidates old links) and resetting a password (random, single use, only
 * its hash stored, sent only to a verified address).
 */
export class EmailLinks {
  constructor(
    private readonly repo: AlertRepo,
    private readonly users: UserService,
    private readonly mailer: Mailer,
    private readonly config: Config,
    private readonly now: () => number,
    private readonly log: { error(obj: unknown, msg?: string): void; warn(obj: unknown, msg?: string): void },
  ) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.config.secretKey).update(`email-verify|${payload}`).digest('base64url');
  }

  verifyToken(userId: number, email: string, expiresAt: number): string {
    const payload = `${userId}.${expiresAt}`;
    return `${Buffer.from(payload).toString('base64url')}.${this.sign(`${payload}|${email.toLowerCase()}`)}`;
  }

  private requireMail(): string {
    if (!this.mailer.available) {
      throw new AppError(409, 'email_unavailable', this.mailer.reason ?? 'E-mail is not available');
    }
    if (!this.config.publicUrl) {
      throw new AppError(409, 'public_url_unset', 'Links cannot be sent: PUBLIC_URL is not configured');
    }
    return this.config.publicUrl;
  }

  /** Sends the verification link to the user's address. */
  async sendVerification(userId: number): Promise<{ email: string; verified: boolean }> {
    const base = this.requireMail();
    const user = await this.repo.user(userId);
    if (!user) throw badRequest('Unknown user');
    if (user.verified) return { email: user.email, verified: true };
    const token = this.verifyToken(userId, user.email, this.now() + VERIFY_TTL_MS);
    const link = `${base}/verify-email?token=${encodeURIComponent(token)}`;
    await this.mailer.send({
      to: user.email,
      subject: 'EVision — confirm your e-mail address',
      text: `Open this link within 24 hours to confirm ${user.email} for EVision alerts:\n\n${link}\n`,
      html: `<p>Open this link within 24 hours to confirm <b>${escapeHtml(user.email)}</b> for EVision alerts:</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    });
    return { email: user.email, verified: false };
  }

  async verify(token: string): Promise<{ email: string; verified: boolean }> {
    const invalid = () =>
      new AppError(400, 'invalid_token', 'This verification link is invalid or has expired', [
        { field: 'token', message: 'invalid or expired' },
      ]);
    const [p, sig] = token.split('.');
    if (!p || !sig) throw invalid();
    const payload = Buffer.from(p, 'base64url').toString();
    const m = /^(\d{1,10})\.(\d{1,15})$/.exec(payload);
    if (!m) throw invalid();
    const userId = Number(m[1]);
    const exp = Number(m[2]);
    const user = await this.repo.user(userId);
    if (!user || exp < this.now()) throw invalid();
    const expected = Buffer.from(this.sign(`${payload}|${user.email.toLowerCase()}`));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    if (!user.verified) await this.repo.markEmailVerified(userId, user.email, new Date(this.now()));
    return { email: user.email, verified: true };
  }

  async status(userId: number) {
    const user = await this.repo.user(userId);
    return { email: user?.email ?? '', verified: Boolean(user?.verified) };
  }

  /**
   * Forgot password: mails a reset link when the address is a verified one. The caller answers
   * the same whatever happens here; the work runs after the answer so timing tells nothing.
   */
  forgot(email: string): void {
    this.requireMail();
    void (async () => {
      const user = await this.repo.userByVerifiedEmail(email);
      if (!user) return;
      const token = randomBytes(32).toString('base64url');
      await this.repo.insertReset(user.id, sha256(token), new Date(this.now() + RESET_TTL_MS));
      const link = `${this.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
      await this.mailer.send({
        to: user.email,
        subject: 'EVision — reset your password',
        text: `Someone asked to reset the EVision password of ${user.username}. Open this link within an hour to choose a new one (it works once):\n\n${link}\n\nIf it was not you, ignore this message.`,
        html: `<p>Someone asked to reset the EVision password of <b>${escapeHtml(user.username)}</b>. Open this link within an hour to choose a new one (it works once):</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>If it was not you, ignore this message.</p>`,
      });
    })().catch((err) => this.log.error({ err }, 'password reset mail failed'));
  }

  async reset(token: string, password: string): Promise<void> {
    const invalid = () =>
      new AppError(400, 'invalid_token', 'This reset link is invalid, used or expired', [
        { field: 'token', message: 'invalid, used or expired' },
      ]);
    const hash = sha256(token);
    const now = new Date(this.now());
    const userId = await this.repo.peekReset(hash, now);
    const row = userId === undefined ? undefined : await this.users.repo.byId(userId);
    if (!row || !row.isActive) throw invalid();
    // The password is checked before the link is used up, so a weak one can be corrected.
    const problem = passwordProblem(password, row.username);
    if (problem) throw badRequest('Request is invalid', [{ field: 'password', message: problem }]);
    if ((await this.repo.consumeReset(hash, now)) !== row.id) throw invalid();
    await this.users.setPassword(row, password);
    await this.users.repo.clearFailures(row.id);
  }
}
