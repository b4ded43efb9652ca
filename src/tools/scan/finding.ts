/**
 * What `sig2rtm scan` reports: one finding per use of the legacy API, with its row of the mapping
 * tables (src/mapping/methods.ts or callbacks.ts) looked up by name.
 */

import { CALLBACKS } from '../../mapping/callbacks';
import { METHODS } from '../../mapping/methods';
import { MAPPING_KINDS, type MappingKind, type MappingRow } from '../../mapping/rows';

export type SourceLanguage = 'js' | 'cpp' | 'java';

export interface Finding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  language: SourceLanguage;
  /** A method called, or a callback / handler the app provides. */
  usage: 'call' | 'callback';
  /** As written in the source (`session.messageInstantSend`, `onLoginSuccess`). */
  text: string;
  /** The row's name in the mapping tables. */
  legacy: string;
  kind: MappingKind;
  rtm: readonly string[];
  difference: string;
  reference: string;
  /** 'receiver': the object is known to be a legacy one; 'name': recognised by its name only. */
  confidence: 'receiver' | 'name';
}

export type RowRef = { table: 'method' | 'callback'; name: string; row: MappingRow };

// Read through the shared row type only, so columns added to the tables do not matter here.
const methodRows: Readonly<Record<string, MappingRow>> = METHODS;
const callbackRows: Readonly<Record<string, MappingRow>> = CALLBACKS;

export function methodRow(name: string): RowRef | undefined {
  return Object.hasOwn(methodRows, name) ? { table: 'method', name, row: methodRows[name]! } : undefined;
}

export function callbackRow(name: string): RowRef | undefined {
  return Object.hasOwn(callbackRows, name) ? { table: 'callback', name, row: callbackRows[name]! } : undefined;
}

/** Every legacy native method name as called on an instance (`AgoraAPI.getInstance` → none). */
export const INSTANCE_METHODS: readonly string[] = Object.keys(methodRows).filter((n) => !n.includes('.'));
export const CALLBACK_NAMES: readonly string[] = Object.keys(callbackRows);

/**
 * Short names (login, logout, start, stop, invoke, onError, …) are common words of other APIs too:
 * they count only on an object known to be a legacy one. Longer ones are specific to the legacy API.
 */
export const isSpecificName = (name: string): boolean => name.length > 9;

export function finding(
  at: Pick<Finding, 'file' | 'line' | 'column' | 'language' | 'usage' | 'text' | 'confidence'>,
  ref: RowRef,
): Finding {
  const { kind, rtm, difference, reference } = ref.row;
  return { ...at, legacy: ref.name, kind, rtm, difference, reference };
}

export const KINDS = MAPPING_KINDS;

/** Findings in file, line, column order. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
