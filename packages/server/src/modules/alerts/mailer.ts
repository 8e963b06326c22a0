import nodemailer from 'nodemailer';
import type { Config } from '../../config';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail through SMTP_URL; `available` is false (with a reason) when none is configured. */
export interface Mailer {
  readonly available: boolean;
  readonly reason: string | undefined;
  send(mail: Mail): Promise<void>;
  close(): void;
}

export function createMailer(config: Config): Mailer {
  const { smtpUrl, from } = config.mail;
  if (!smtpUrl) {
    return {
      available: false,
      reason: 'E-mail is not configured on this server (SMTP_URL is unset)',
      async send() {
        throw new Error('SMTP_URL is not set');
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(smtpUrl, { from });
  return {
    available: true,
    reason: undefined,
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close() {
      transport.close();
    },
  };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML mail (team names and outcomes can come from bots). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
