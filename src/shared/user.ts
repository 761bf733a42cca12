import type { ProviderPermission } from './permissions.ts';

export type Role = 'candidate' | 'provider' | 'admin' | 'mentor' | 'adviser';

export interface Membership {
  providerId: number;
  providerSlug: string;
  providerName: string;
  permissions: readonly ProviderPermission[];
  /** For the views: one flag per permission. */
  canMakeDecisions: boolean;
  canManageSchools: boolean;
  canManageUsers: boolean;
  canManageProfile: boolean;
  canManageTrainees: boolean;
  canRecommendForAward: boolean;
}

export interface User {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  memberships: Membership[];
  /** Set when a DfE admin deactivated the account: it is signed out and cannot sign in. */
  deactivatedAt?: string | null;
  /** The time zone the person chose (an IANA name), or null: not chosen yet. */
  timeZone: string | null;
}

export const holds = (m: Membership, permission: ProviderPermission | 'view'): boolean =>
  permission === 'view' || m.permissions.includes(permission);
