/** One line under the project list: this month's spend of all the user's projects against the account's cap. */
import { usd } from '../format.js';
import type { UserCosts } from '../types.js';
import { useApiData } from './use-api-data.js';

export function AccountSpend() {
  // Only this month's rows are needed; the account figures cover the month whatever the range.
  const { data } = useApiData<UserCosts>(`/api/costs?from=${monthStart()}`);
  if (!data) return null;
  const { spentUsd, capUsd } = data.account;
  const saved = data.total.cacheSavingsUsd;
  return (
    <p class="muted account-spend" data-testid="account-spend">
      {capUsd === null ? `Account: ${usd(spentUsd)} spent this month (no cap)` : `Account: ${usd(spentUsd)} of ${usd(capUsd)} this month`}
      {saved > 0 && ` · prompt caching saved ${usd(saved)}`}
    </p>
  );
}

function monthStart(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}
