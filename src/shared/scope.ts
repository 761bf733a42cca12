import type { ProviderPermission } from './permissions.ts';

/**
 * Who a repository call acts for. Every read or write of a tenant's records takes one of
 * these, required: the brand means a scope can only come from the sign-in checks in
 * `platform/auth.ts` (or, for scripts, the constructors below), never from an object
 * literal, so an unscoped or hand-made call does not compile.
 */
declare const scoped: unique symbol;
type Branded<T> = T & { readonly [scoped]: true };

/** A candidate: their own applications only. */
export type CandidateScope = Branded<{
  readonly kind: 'candidate';
  readonly userId: number;
  readonly candidateId: number;
}>;

/** A provider user acting with one permission: the providers where they hold it. */
export type ProviderScope = Branded<{
  readonly kind: 'provider';
  readonly userId: number;
  readonly permission: ProviderPermission | 'view';
  readonly providerIds: readonly number[];
}>;

/** A placement-school mentor: the trainees they mentor, while the placement lasts and 30 days after. */
export type MentorScope = Branded<{ readonly kind: 'mentor'; readonly userId: number }>;

/** A teacher training adviser: their own candidates, and the shared queue of requests nobody has taken. */
export type AdviserScope = Branded<{ readonly kind: 'adviser'; readonly userId: number }>;

/** A DfE admin: every provider. */
export type AdminScope = Branded<{ readonly kind: 'admin'; readonly userId: number }>;

export type Scope = CandidateScope | ProviderScope | AdminScope | MentorScope | AdviserScope;

export const candidateScope = (userId: number): CandidateScope =>
  ({ kind: 'candidate', userId, candidateId: userId }) as CandidateScope;

export const providerScope = (
  userId: number,
  permission: ProviderPermission | 'view',
  providerIds: readonly number[],
): ProviderScope =>
  ({ kind: 'provider', userId, permission, providerIds: [...providerIds] }) as unknown as ProviderScope;

export const mentorScope = (userId: number): MentorScope => ({ kind: 'mentor', userId }) as MentorScope;

export const adviserScope = (userId: number): AdviserScope => ({ kind: 'adviser', userId }) as AdviserScope;

export const adminScope = (userId: number): AdminScope => ({ kind: 'admin', userId }) as AdminScope;

/** The provider ids a provider scope covers, never empty in SQL (an empty IN list matches nothing). */
export const scopeProviderIds = (scope: ProviderScope): number[] =>
  scope.providerIds.length ? [...scope.providerIds] : [-1];
