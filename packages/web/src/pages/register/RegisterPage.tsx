import { type FormEvent, useState } from 'react';
import { Link, Navigate } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { fieldErrors } from '../../lib/api';
import { authErrorMessage } from '../login/authErrors';

/** Create an account; the server's field messages appear under their fields. */
export default function RegisterPage() {
  const { user, register } = useAuth();
  const [form, setForm] = useState({ username: '', email: '', password: '' });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (user) return <Navigate to="/" replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await register(form.username.trim(), form.email.trim(), form.password);
    } catch (err) {
      const f = fieldErrors(err);
      setFields(f);
      setError(Object.keys(f).length ? 'Please fix the fields marked below.' : authErrorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const input = (
    name: keyof typeof form,
    label: string,
    type: string,
    autoComplete: string,
    hint?: string,
  ) => (
    <div className="field">
      <label htmlFor={`reg-${name}`}>{label}</label>
      <input
        id={`reg-${name}`}
        type={type}
        autoComplete={autoComplete}
        value={form[name]}
        aria-invalid={fields[name] ? true : undefined}
        aria-describedby={fields[name] || hint ? `reg-${name}-msg` : undefined}
        onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))}
        required
      />
      {(fields[name] || hint) && (
        <small id={`reg-${name}-msg`} className={fields[name] ? 'neg' : 'muted'}>
          {fields[name] ?? hint}
        </small>
      )}
    </div>
  );

  return (
    <div className="page">
      <form className="card auth-card" onSubmit={submit} noValidate>
        <h1>Create your EVision account</h1>
        {input('username', 'Username', 'text', 'username', '3–32 letters, digits, _ . or -')}
        {input('email', 'E-mail', 'email', 'email')}
        {input('password', 'Password', 'password', 'new-password', 'At least 8 characters')}
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Create account
        </button>
        <p className="muted">
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      </form>
    </div>
  );
}
