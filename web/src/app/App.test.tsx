import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ApiKeyField } from './App';
import { API_KEY_STORAGE, apiKeyStore } from '../api/api-key';
import { authHeaders } from '../api/client';

describe('API key', () => {
  afterEach(() => {
    act(() => apiKeyStore.save(''));
    localStorage.clear();
  });

  it('asks for a key once the API answers 401, keeps it in localStorage and sends it as x-api-key', () => {
    render(<ApiKeyField />);
    expect(screen.queryByLabelText('API key')).toBeNull();
    expect(authHeaders()).toEqual({});
    act(() => apiKeyStore.unauthorized());
    const input = screen.getByLabelText('API key');
    expect(input.getAttribute('data-testid')).toBe('api-key-input');
    fireEvent.change(input, { target: { value: '  secret-key-1 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save key' }));
    expect(localStorage.getItem(API_KEY_STORAGE)).toBe('secret-key-1');
    expect(authHeaders()).toEqual({ 'x-api-key': 'secret-key-1' });
    expect(apiKeyStore.state().needed).toBe(false);
  });
});
