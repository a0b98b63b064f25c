// Ready-made faults with the exact headers and messages Octokit's plugins react to.

import type { InjectedFault } from './types.js';

type Match = InjectedFault['match'];

/** 403 that `@octokit/plugin-throttling` recognises as secondary (by message) and retries after `retry-after`. */
export function secondaryRateLimitFault(match: Match, options: { retryAfterSeconds?: number; times?: number } = {}): InjectedFault {
  return {
    match,
    times: options.times ?? 1,
    status: 403,
    headers: { 'retry-after': String(options.retryAfterSeconds ?? 1) },
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403',
    },
  };
}

/** 403 with `x-ratelimit-remaining: 0`: the primary (hourly) limit is used up until `resetInSeconds`. */
export function primaryRateLimitFault(match: Match, options: { resetInSeconds?: number; times?: number } = {}): InjectedFault {
  const reset = Math.floor(Date.now() / 1000) + (options.resetInSeconds ?? 60);
  return {
    match,
    times: options.times ?? 1,
    status: 403,
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(reset) },
    body: {
      message: 'API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
      status: '403',
    },
  };
}

/** The request is carried out (e.g. the PR is created) but the client sees `status` (default 502). */
export function lostResponseFault(match: Match, status = 502, times = 1): InjectedFault {
  return { match, times, status, afterHandler: true, body: { message: 'Server Error' } };
}
