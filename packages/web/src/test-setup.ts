import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';

// Lazy pages are transformed on first import; on a shared CI machine that can take seconds.
configure({ asyncUtilTimeout: 5_000 });

// The server's session hint cookie, as after a sign-in: pages that restore a session try to
// (App.test.tsx clears it to test a first visit).
beforeEach(() => {
  document.cookie = 'evision_session=1; path=/';
});

afterEach(() => {
  cleanup();
  localStorage.clear();
  document.documentElement.removeAttribute('data-theme');
});
