// Loaded without its @types package on purpose: @types/sanitize-html uses
// import syntax that the TypeScript inside tslab (5.0, which owns
// node_modules/.bin/tsc) cannot parse. The few option fields used are typed here.
interface SanitizeOptions {
  allowedTags: string[];
  allowedAttributes: Record<string, string[]>;
  allowedSchemes: string[];
  allowedSchemesByTag: Record<string, string[]>;
  allowProtocolRelative: boolean;
  nonTextTags: string[];
  exclusiveFilter: (frame: { tag: string; attribs: Record<string, string | undefined> }) => boolean;
}
const sanitizeHtml = require("sanitize-html") as ((dirty: string, options: SanitizeOptions) => string) & {
  defaults: { allowedTags: string[] };
};

/** Text shown as text: the five characters HTML gives meaning to. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The image types that may appear as base64 data URIs, in the order an attachment's bundle is searched. */
export const DATA_URI_IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"];

const dataImage = new RegExp(`^data:(${DATA_URI_IMAGE_TYPES.map((type) => type.replace(/[/+]/g, "\\$&")).join("|")});base64,[A-Za-z0-9+/=\\s]*$`, "i");

/** Images in sanitized HTML may only be data URIs: the site ships no other files, and no request leaves the page. */
const isDataImage = (src: string | undefined): boolean => dataImage.test(src ?? "");

const options: SanitizeOptions = {
  // The default list (text, tables, lists, code) plus what notebooks commonly use.
  allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "details", "summary", "del", "ins", "sup", "sub"],
  allowedAttributes: {
    "*": ["class", "title", "align", "colspan", "rowspan"],
    a: ["href", "name"],
    img: ["src", "alt", "width", "height"],
    // Headings keep their ids so the page's table of contents can link to them.
    h1: ["id"], h2: ["id"], h3: ["id"], h4: ["id"], h5: ["id"], h6: ["id"],
    ol: ["start"],
    details: ["open"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["data"] },
  allowProtocolRelative: false,
  // Drop <script>, <style> and friends with their content, not just the tags.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object", "embed", "template"],
  exclusiveFilter: (frame) => frame.tag === "img" && !isDataImage(frame.attribs.src),
};

/**
 * HTML from a notebook (raw HTML in Markdown, `text/html` outputs) made inert:
 * no scripts, no event handlers, no styles, no frames, no remote images.
 */
export function sanitize(html: string): string {
  return sanitizeHtml(html, options);
}
