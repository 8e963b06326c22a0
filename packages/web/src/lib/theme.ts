import { useCallback, useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'dark' | 'light';
const KEY = 'evision.theme';

function apply(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'dark' || v === 'light' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** The theme: follows the system unless the user picked dark or light (kept in localStorage). */
export function useTheme(): [ThemeChoice, () => void] {
  const [choice, setChoice] = useState<ThemeChoice>(stored);
  useEffect(() => apply(choice), [choice]);
  const cycle = useCallback(() => {
    setChoice((c) => {
      const n: ThemeChoice = c === 'system' ? 'dark' : c === 'dark' ? 'light' : 'system';
      try {
        if (n === 'system') localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, n);
      } catch {
        // Private mode: the choice lasts for this page only.
      }
      return n;
    });
  }, []);
  return [choice, cycle];
}
