/** Moved to lib/api.ts; kept so older imports keep working until every page imports lib/api. */
export { ApiError, apiFetch, setAccessToken } from './lib/api';
