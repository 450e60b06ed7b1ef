// The Lab's shell: the router (basename /lab, so /lab/analyses/<id> is a shareable deep link), the
// header, and the API key field that appears when the API answers 401.
import { useState } from 'react';
import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { KeyRound } from 'lucide-react';
import { apiKeyStore, useApiKey } from '../api/api-key';
import { StartPage } from '../features/start/StartPage';
import { AnalysisPage } from '../features/AnalysisPage';
import { WatchPage, WatchesPage } from '../features/watches/WatchPage';

export function ApiKeyField() {
  const { key, needed } = useApiKey();
  const [value, setValue] = useState(key ?? '');
  if (!needed && !key) return null;
  return (
    <form
      className="api-key"
      onSubmit={(e) => {
        e.preventDefault();
        apiKeyStore.save(value);
      }}
    >
      <KeyRound size={16} aria-hidden="true" />
      <label htmlFor="api-key">API key</label>
      <input id="api-key" data-testid="api-key-input" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit">Save key</button>
      {needed ? (
        <span className="error-text" role="alert">
          The API needs a key.
        </span>
      ) : null}
    </form>
  );
}

export function App() {
  return (
    <BrowserRouter basename="/lab">
      <header className="app-header">
        <Link to="/" className="brand">
          Similarity Lab
        </Link>
        <Link to="/watches" className="nav-link">
          Watches
        </Link>
        <ApiKeyField />
      </header>
      <main className="app-main">
        <Routes>
          <Route path="/" element={<StartPage />} />
          <Route path="/analyses/:id" element={<AnalysisPage />} />
          <Route path="/watches" element={<WatchesPage />} />
          <Route path="/watches/:id" element={<WatchPage />} />
          <Route path="*" element={<p>Nothing here. <Link to="/">Start an analysis</Link>.</p>} />
        </Routes>
      </main>
    </BrowserRouter>
  );
}
