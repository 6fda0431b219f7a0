import { describe, expect, test } from '@jest/globals';
import { escapeHtml, renderPage } from './html.js';

describe('html', () => {
  test('when text holds markup, then every special character is escaped', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  test('when a page is rendered, then title and paragraphs are escaped and the script carries the nonce', () => {
    const html = renderPage({
      title: '<b>t</b>',
      paragraphs: ['<img src=x>'],
      script: { nonce: 'n0nce', code: 'void 0' },
    });
    expect(html).toContain('<title>&lt;b&gt;t&lt;/b&gt; · callgate</title>');
    expect(html).toContain('<p>&lt;img src=x&gt;</p>');
    expect(html).toContain('<script nonce="n0nce">void 0</script>');
  });
});
