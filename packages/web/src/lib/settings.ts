import type { UserSettings, UserSettingsUpdate } from '@evision/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../auth/AuthContext';
import { apiFetch } from './api';

export const SETTINGS_KEY = ['me', 'settings'] as const;

/** The browser's own time zone, the default until the user picks one. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** What pages use while settings load (or for a signed-out visitor). */
export const DEFAULT_SETTINGS: UserSettings = {
  odds_format: 'decimal',
  bankroll: null,
  kelly_fraction: 0.25,
  timezone: browserTimeZone(),
  default_filters: {},
};

/** The signed-in user's preferences (`GET /api/me/settings`), with defaults while loading. */
export function useSettings(): { settings: UserSettings; isLoading: boolean; error: unknown } {
  const { user } = useAuth();
  const q = useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: () => apiFetch<UserSettings>('/api/me/settings'),
    enabled: !!user,
    staleTime: 60_000,
  });
  return { settings: q.data ?? DEFAULT_SETTINGS, isLoading: q.isLoading, error: q.error };
}

/** Saves a subset of the settings (`PUT /api/me/settings`) and updates every page at once. */
export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (update: UserSettingsUpdate) =>
      apiFetch<UserSettings>('/api/me/settings', { method: 'PUT', body: JSON.stringify(update) }),
    onSuccess: (saved) => client.setQueryData(SETTINGS_KEY, saved),
  });
}
