import { describe, expect, it } from 'vitest';
import { allowedActions, describeState, editResetsReview, isFuture, toLocalInput } from './lifecycle';

const all = { update: true, publish: true, delete: true };
const author = { update: true, publish: false, delete: true };
const reader = { update: false, publish: false, delete: false };

describe('which lifecycle actions the status bar offers', () => {
  it('offers an author submit, archive and delete on their draft, never publishing', () => {
    expect(allowedActions({ status: 'draft', live: false }, author)).toEqual(['submit', 'archive', 'delete']);
    expect(allowedActions({ status: 'changes_requested', live: false }, author)).toEqual(['submit', 'archive', 'delete']);
    expect(allowedActions({ status: 'in_review', live: false }, author)).toEqual(['archive', 'delete']);
  });

  it('puts Publish first on approved content for an editor, and offers scheduling beside it', () => {
    expect(allowedActions({ status: 'approved', live: false }, all)).toEqual(['publish', 'schedule', 'archive', 'delete']);
  });

  it('offers unschedule only while scheduled, and unpublish whenever a version is live', () => {
    expect(allowedActions({ status: 'scheduled', live: false }, all)).toEqual(['unschedule', 'archive', 'delete']);
    expect(allowedActions({ status: 'published', live: true }, all)).toEqual(['unpublish', 'archive', 'delete']);
    // A published article being edited again: its working copy is a draft, the old version is still live.
    expect(allowedActions({ status: 'draft', live: true }, all)).toEqual(['submit', 'publish', 'schedule', 'unpublish', 'archive', 'delete']);
  });

  it('offers nothing to a reader, and no archive on archived content', () => {
    expect(allowedActions({ status: 'published', live: true }, reader)).toEqual([]);
    expect(allowedActions({ status: 'archived', live: false }, all)).toEqual(['publish', 'schedule', 'delete']);
  });

  it('knows which edits send content back to draft', () => {
    expect(['draft', 'in_review', 'approved', 'scheduled', 'published'].filter((s) => editResetsReview(s as never))).toEqual([
      'in_review',
      'approved',
      'scheduled',
    ]);
  });

  it('says what is live in words', () => {
    expect(describeState({ status: 'draft', live: true, publishedVersion: 3, version: 5 })).toBe('Version 3 is live; version 5 is a newer working copy.');
    expect(describeState({ status: 'published', live: true, publishedVersion: 5, version: 5 })).toBe('Version 5 is live.');
    expect(describeState({ status: 'in_review', live: false, version: 1 })).toBe('Waiting for review. Nothing is live.');
  });

  it('reads datetime-local values as local time and refuses the past', () => {
    const now = new Date(2030, 0, 15, 10, 30);
    expect(toLocalInput(now)).toBe('2030-01-15T10:30');
    expect(isFuture('2030-01-15T10:31', now)).toBe(true);
    expect(isFuture('2030-01-15T10:30', now)).toBe(false);
    expect(isFuture('', now)).toBe(false);
  });
});
