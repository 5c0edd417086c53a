// Text from runs (prompts, responses, file names) never becomes markup on a page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html, trusted } from '../../../client/ui/html';

test('interpolated values are escaped; nested templates and trusted markup are not', () => {
  const response = `<script>alert("x")</script> & 'quotes'`;
  const cell = html`<td title="${response}">${response}</td>`;
  assert.equal(cell.markup, '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</td>');
  assert.equal(html`<tr>${[cell, html`<td>${2}</td>`]}</tr>`.markup, `<tr>${cell.markup}<td>2</td></tr>`);
  assert.equal(html`${trusted('<svg/>')}${null}${undefined}${false}`.markup, '<svg/>');
});
