import { type FormEvent, useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { ApiError } from '../../lib/api';
import { authErrorMessage } from './authErrors';

/** Only same-app paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Sign in; when the account has 2FA the server asks for a code and a second step appears. */
export default function LoginPage() {
  const { user, login } = useAuth();
  const [params] = useSearchParams();
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (user) return <Navigate to={safeNext(params.get('next'))} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const second =
        step === 'code' ? (useRecovery ? { recovery_code: code.trim() } : { totp: code.trim() }) : undefined;
      await login(identifier.trim(), password, second);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') {
        setStep('code');
        setCode('');
      } else setError(authErrorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page">
      <form className="card auth-card" onSubmit={submit} noValidate>
        <h1>Sign in to EVision</h1>
        {step === 'password' ? (
          <>
            <div className="field">
              <label htmlFor="login-id">Username or e-mail</label>
              <input
                id="login-id"
                autoComplete="username"
                value={identifier}
                onChange={(e) => setIdentifier(e.target.value)}
                required
              />
            </div>
            <div className="field">
              <label htmlFor="login-pw">Password</label>
              <input
                id="login-pw"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </div>
          </>
        ) : (
          <>
            <p className="muted">
              {useRecovery
                ? 'Enter one of the recovery codes you saved when you turned on two-factor sign-in. Each works once.'
                : 'This account uses two-factor sign-in. Enter the 6-digit code from your authenticator app.'}
            </p>
            <div className="field">
              <label htmlFor="login-code">{useRecovery ? 'Recovery code' : 'Authentication code'}</label>
              <input
                id="login-code"
                autoComplete="one-time-code"
                inputMode={useRecovery ? 'text' : 'numeric'}
                pattern={useRecovery ? undefined : '\\d{6}'}
                maxLength={useRecovery ? 64 : 6}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                required
                // biome-ignore lint/a11y/noAutofocus: the code field is the only thing to do on this step
                autoFocus
              />
            </div>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setUseRecovery((v) => !v);
                setCode('');
                setError(null);
              }}
            >
              {useRecovery ? 'Use an authenticator code instead' : 'Use a recovery code instead'}
            </button>
          </>
        )}
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {step === 'code' ? 'Verify' : 'Sign in'}
        </button>
        {step === 'code' ? (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setStep('password');
              setError(null);
            }}
          >
            Back
          </button>
        ) : (
          <p className="muted">
            New here? <Link to="/register">Create an account</Link>
          </p>
        )}
      </form>
    </div>
  );
}
