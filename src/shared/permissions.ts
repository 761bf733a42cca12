/** What a provider user may do, per provider. Each is a column of provider_memberships. */
export const PROVIDER_PERMISSIONS = {
  'make-decisions': 'Make decisions on applications',
  'manage-placement-schools': 'Manage placement schools',
  'manage-users': 'Manage users',
  'manage-profile': 'Manage the provider profile',
  'manage-trainees': 'Manage trainees',
  'recommend-for-award': 'Recommend trainees for the award',
} as const;
export type ProviderPermission = keyof typeof PROVIDER_PERMISSIONS;

export const PERMISSION_COLUMNS = {
  'make-decisions': 'can_make_decisions',
  'manage-placement-schools': 'can_manage_schools',
  'manage-users': 'can_manage_users',
  'manage-profile': 'can_manage_profile',
  'manage-trainees': 'can_manage_trainees',
  'recommend-for-award': 'can_recommend_for_award',
} as const satisfies Record<ProviderPermission, string>;

export const isPermission = (value: string): value is ProviderPermission => Object.hasOwn(PROVIDER_PERMISSIONS, value);
export const ALL_PERMISSIONS = Object.keys(PROVIDER_PERMISSIONS) as ProviderPermission[];
