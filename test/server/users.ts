// The demo accounts of the local Fused server: who a token belongs to, and which execution
// environment (team) each user is in. Scoping (`exec_env`) is tested against these.

export interface DemoUser {
  /** Short key used by the generator ("ada"). */
  key: string;
  user_id: string;
  email: string;
  exec_env_id: string;
  token: string;
}

/** The default token; maps to the demo user (Ada). */
export const DEMO_TOKEN = 'fused-demo-token';

/** Mercator Labs: Ada (the demo user), Grace, Linus and Emmy (a new member with no runs). */
export const ENV_MERCATOR = 'env-7f3a2c91';
/** Orbit Analytics: Hedy, Alan and Katherine. */
export const ENV_ORBIT = 'env-b91e0455';

/** A well-formed token whose session has expired: 401 "Token has expired". */
export const EXPIRED_TOKEN = 'fused-expired-token';
/** A valid account without audit-log permission: 403. */
export const FORBIDDEN_TOKEN = 'fused-token-no-audit';

/** Tokens of the other demo users, so tests can check scoping. */
export const EXTRA_TOKENS = {
  grace: 'fused-token-grace',
  linus: 'fused-token-linus',
  emmy: 'fused-token-emmy',
  hedy: 'fused-token-hedy',
  alan: 'fused-token-alan',
  katherine: 'fused-token-katherine',
} as const;

/** Relative share of generated runs per user (Emmy has none: an empty-state account). */
export const USER_RUN_WEIGHTS: Record<string, number> = {
  ada: 36,
  grace: 14,
  linus: 11,
  emmy: 0,
  hedy: 18,
  alan: 13,
  katherine: 8,
};

/** The generated demo users; `demoToken` replaces the demo user's token (CLI `--token`). */
export function demoUsers(demoToken: string = DEMO_TOKEN): DemoUser[] {
  return [
    { key: 'ada', user_id: '5b0c8f1e-2d3a-4e6b-9c1d-7a8e9f0b1c2d', email: 'ada@example.com', exec_env_id: ENV_MERCATOR, token: demoToken },
    { key: 'grace', user_id: '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', email: 'grace@example.com', exec_env_id: ENV_MERCATOR, token: EXTRA_TOKENS.grace },
    { key: 'linus', user_id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', email: 'linus@example.com', exec_env_id: ENV_MERCATOR, token: EXTRA_TOKENS.linus },
    { key: 'emmy', user_id: '9f8e7d6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f', email: 'emmy@example.com', exec_env_id: ENV_MERCATOR, token: EXTRA_TOKENS.emmy },
    { key: 'hedy', user_id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', email: 'hedy@example.org', exec_env_id: ENV_ORBIT, token: EXTRA_TOKENS.hedy },
    { key: 'alan', user_id: '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c', email: 'alan@example.org', exec_env_id: ENV_ORBIT, token: EXTRA_TOKENS.alan },
    { key: 'katherine', user_id: '0d1e2f3a-4b5c-4d6e-af7a-8b9c0d1e2f3a', email: 'katherine@example.org', exec_env_id: ENV_ORBIT, token: EXTRA_TOKENS.katherine },
  ];
}
