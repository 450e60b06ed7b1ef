// One store module per table, and nothing else writes SQL: statements live in src/store, and each
// table (from migrations/) has one module, named after it, that alone writes to it. String and
// template literals are read with the TypeScript parser, so comments and prose never count.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..', '..');
const STORE = path.join(ROOT, 'src', 'store');

/** Upper-case SQL as it is written in this code base; prose ("select a wallet", "DELETE route") does not match. */
const SQL_PATTERNS = [
  /^\s*(SELECT|WITH)\s/,
  /\bSELECT\b[\s\S]*\bFROM\s+[a-z_(]/,
  /\bINSERT\s+INTO\s/,
  /\bUPDATE\s+[a-z_]+\s+SET\b/,
  /\bDELETE\s+FROM\s/,
  /\bON\s+CONFLICT\b/,
  /\b(CREATE|ALTER|DROP)\s+(TABLE|INDEX|DATABASE|SCHEMA)\b/,
  /^\s*(BEGIN|COMMIT|ROLLBACK)\s*;?\s*$/,
];
/** `pool.query(`, `client.query<…>(`, `deps.pool.query(`: node-postgres calls (a Temporal handle's `.query(` is not one). */
const PG_RECEIVER = /(^|\.)(pool|client|db|tx)$/i;

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** The SQL literals and node-postgres query calls of one file. */
function sqlIn(file: string, source = fs.readFileSync(file, 'utf8')): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: Finding[] = [];
  const at = (node: ts.Node, text: string) => found.push({ file: path.relative(ROOT, file), line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text });
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' $ ');
    if (text !== undefined && SQL_PATTERNS.some((re) => re.test(text as string))) at(node, text);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'query' && PG_RECEIVER.test(node.expression.expression.getText(sf))) {
      at(node, node.getText(sf));
    }
    // a template's spans are visited through the template itself
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
    else node.templateSpans.forEach((s) => ts.forEachChild(s.expression, visit));
  };
  visit(sf);
  return found;
}

/** Tables the migrations create (their Up sections), less those a later Up section drops. */
function migratedTables(): string[] {
  const dir = path.join(ROOT, 'migrations');
  const ups = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('-- Down Migration')[0]);
  const named = (re: RegExp) => ups.flatMap((up) => [...up.matchAll(re)].map((m) => m[1]));
  const dropped = new Set(named(/\bDROP TABLE\s+(?:IF EXISTS\s+)?([a-z_]+)/g));
  return named(/\bCREATE TABLE\s+([a-z_]+)/g).filter((t) => !dropped.has(t));
}

const moduleOf = (table: string) => path.join(STORE, `${table.replace(/_/g, '-')}.ts`);

describe('SQL ownership', () => {
  it('the detector finds SQL and pg query calls, and not prose, comments or Temporal queries', () => {
    const sample = [
      "// SELECT id FROM analyses: a comment",
      "const a = pool.query('SELECT 1');",
      'const b = `INSERT INTO smoke_runs (workflow_id) VALUES ($1)`;',
      'const c = `UPDATE wallets SET x = ${1} WHERE address = $1`;',
      "const d = deps.client.query<{ n: string }>(text);",
      "const e = 'DELETE /v1/analyses/{id} cancels a running analysis; select the wallets from the list';",
      'const f = handle.query(progressQuery);',
    ].join('\n');
    expect(sqlIn(path.join(ROOT, 'sample.ts'), sample).map((f) => f.line)).toEqual([2, 2, 3, 4, 5]);
  });

  it('no file outside src/store holds SQL or calls node-postgres query', () => {
    const files = ['src', 'scripts', 'bench', 'bin'].flatMap((d) => tsFiles(path.join(ROOT, d))).filter((f) => !f.startsWith(STORE + path.sep));
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => sqlIn(f))).toEqual([]);
  });

  it('every table the migrations create has its store module, named after it', () => {
    const tables = migratedTables();
    expect(tables).toContain('analyses');
    expect(tables).toContain('wallet_transfers');
    expect(tables.filter((t) => !fs.existsSync(moduleOf(t)))).toEqual([]);
  });

  it('each table is written (INSERT, UPDATE, DELETE) only by its own store module', () => {
    const tables = new Set(migratedTables());
    const misplaced: string[] = [];
    let writes = 0;
    for (const file of tsFiles(STORE)) {
      for (const { text } of sqlIn(file)) {
        for (const m of text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b/g)) {
          if (!tables.has(m[1])) continue;
          writes += 1;
          if (file !== moduleOf(m[1])) misplaced.push(`${path.relative(ROOT, file)} writes ${m[1]} (owner: ${path.relative(ROOT, moduleOf(m[1]))})`);
        }
      }
    }
    expect(writes).toBeGreaterThan(10);
    expect(misplaced).toEqual([]);
  });
});
