// The API key, when the API needs one: kept in localStorage ('ws.apiKey'), asked for after a 401.
// A tiny external store so any component can read it with useSyncExternalStore.
import { useSyncExternalStore } from 'react';

export const API_KEY_STORAGE = 'ws.apiKey';

interface KeyState {
  key: string | null;
  /** the API answered 401: show the field */
  needed: boolean;
  /** bumps on every save, so pages refetch */
  version: number;
}

function read(): string | null {
  try {
    return localStorage.getItem(API_KEY_STORAGE);
  } catch {
    return null;
  }
}

let state: KeyState = { key: read(), needed: false, version: 0 };
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export const apiKeyStore = {
  get: () => state.key,
  state: () => state,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  unauthorized() {
    if (!state.needed) {
      state = { ...state, needed: true };
      emit();
    }
  },
  save(key: string) {
    const trimmed = key.trim();
    try {
      if (trimmed) localStorage.setItem(API_KEY_STORAGE, trimmed);
      else localStorage.removeItem(API_KEY_STORAGE);
    } catch {
      // storage off: the key lives for this page only
    }
    state = { key: trimmed || null, needed: false, version: state.version + 1 };
    emit();
  },
};

export function useApiKey(): KeyState {
  return useSyncExternalStore(apiKeyStore.subscribe, apiKeyStore.state);
}
