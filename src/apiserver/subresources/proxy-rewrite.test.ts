// The proxy's link rewriting, as apimachinery's proxy Transport rewrites: which URLs move
// under the proxy prefix, and which HTML attributes are touched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteHtml, rewriteProxiedUrl, type RewriteContext } from './proxy-rewrite.js';
import { proxyPathsOf } from './proxy-handler.js';
import { splitSchemeNamePort } from './proxy-location.js';
import { parseRequestInfo } from '../request-info.js';

const ctx: RewriteContext = { prefix: '/api/v1/namespaces/default/services/ver/proxy', backendHost: '198.19.112.5:3000', requestHost: '127.0.0.1:8001' };

test('paths on the backend move under the proxy prefix', () => {
  assert.equal(rewriteProxiedUrl('/login', ctx), '/api/v1/namespaces/default/services/ver/proxy/login');
  assert.equal(rewriteProxiedUrl('/', ctx), '/api/v1/namespaces/default/services/ver/proxy/');
  assert.equal(rewriteProxiedUrl('/a/b/?x=1#top', ctx), '/api/v1/namespaces/default/services/ver/proxy/a/b/?x=1#top');
  // Absolute URLs naming the backend lose its unreachable address.
  assert.equal(rewriteProxiedUrl('http://198.19.112.5:3000/next', ctx), '/api/v1/namespaces/default/services/ver/proxy/next');
  // Naming the host the client used keeps it.
  assert.equal(rewriteProxiedUrl('http://127.0.0.1:8001/next', ctx), 'http://127.0.0.1:8001/api/v1/namespaces/default/services/ver/proxy/next');
  // Already under the prefix: unchanged.
  assert.equal(rewriteProxiedUrl('/api/v1/namespaces/default/services/ver/proxy/x', ctx), '/api/v1/namespaces/default/services/ver/proxy/x');
});

test('other hosts, relative links and opaque URLs stay as written', () => {
  for (const u of ['https://example.com/x', 'style.css', '../up', '#frag', '?q=1', 'mailto:a@b', 'javascript:void(0)', 'http://198.19.112.5:3000']) {
    assert.equal(rewriteProxiedUrl(u, ctx), u, u);
  }
});

test('HTML: URL attributes of known tags are rewritten, the rest of the page is kept byte for byte', () => {
  const page = [
    '<!DOCTYPE html><html><head><link rel=stylesheet href="/app.css"><script src=\'/app.js\'></script>',
    '<script>var s = "<a href=\\"/not-a-tag\\">";</script></head>',
    '<body><!-- <a href="/commented"> --><a class="x" HREF="/v/1?a=1&amp;b=2">v1</a> <a href="other.html">rel</a>',
    '<img src=/logo.png alt="/logo.png"><form action="/submit" method=post><p data-href="/data">text > more</p></body></html>',
  ].join('\n');
  const p = '/api/v1/namespaces/default/services/ver/proxy';
  const out = rewriteHtml(page, (u) => rewriteProxiedUrl(u, ctx));
  assert.equal(
    out,
    [
      `<!DOCTYPE html><html><head><link rel=stylesheet href="${p}/app.css"><script src="${p}/app.js"></script>`,
      '<script>var s = "<a href=\\"/not-a-tag\\">";</script></head>',
      `<body><!-- <a href="/commented"> --><a class="x" HREF="${p}/v/1?a=1&amp;b=2">v1</a> <a href="other.html">rel</a>`,
      `<img src="${p}/logo.png" alt="/logo.png"><form action="${p}/submit" method=post><p data-href="/data">text > more</p></body></html>`,
    ].join('\n'),
  );
});

test('the proxy prefix and backend path come from the request as sent', () => {
  const of = (url: string) => {
    const path = url.split('?')[0];
    return proxyPathsOf({ req: { url }, info: parseRequestInfo('GET', path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path, new URLSearchParams()) });
  };
  assert.deepEqual(of('/api/v1/namespaces/default/services/ver:http/proxy'), { prefix: '/api/v1/namespaces/default/services/ver:http/proxy', backendPath: '', query: '' });
  assert.deepEqual(of('/api/v1/namespaces/default/services/ver:http/proxy/'), { prefix: '/api/v1/namespaces/default/services/ver:http/proxy', backendPath: '/', query: '' });
  assert.deepEqual(of('/api/v1/namespaces/ns/pods/https:web:8443/proxy/a/b%20c/?x=1&y=2'), { prefix: '/api/v1/namespaces/ns/pods/https:web:8443/proxy', backendPath: '/a/b%20c/', query: '?x=1&y=2' });
});

test('ids split as SplitSchemeNamePort does', () => {
  assert.deepEqual(splitSchemeNamePort('web'), { scheme: '', name: 'web', port: '' });
  assert.deepEqual(splitSchemeNamePort('web:http'), { scheme: '', name: 'web', port: 'http' });
  assert.deepEqual(splitSchemeNamePort('https:web:8443'), { scheme: 'https', name: 'web', port: '8443' });
  assert.equal(splitSchemeNamePort('ftp:web:21'), undefined);
  assert.equal(splitSchemeNamePort(':80'), undefined);
  assert.equal(splitSchemeNamePort('a:b:c:d'), undefined);
});
