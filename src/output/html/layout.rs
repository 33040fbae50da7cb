//! The page chrome and building blocks shared by ipval's HTML pages (`report.html`, and any
//! other page drawn with maud): the stylesheet, the table-sorting script, the document shell,
//! and the cells, cards and figures, each with the one number format the pages show.
//!
//! Everything is a maud [`Markup`]: text goes through maud's escaping, so input text (asset
//! ids, owners, reasons, file names) cannot become markup. Only the constants below, and SVG
//! drawn by ipval's own plots, are inserted unescaped.

use crate::format::{grouped, thousands};
use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

/// The pages' stylesheet (inline: the pages load nothing from the network).
pub const STYLE: &str = r#"
:root{--ink:#1d2430;--muted:#5b6575;--line:#d9dee7;--band:#f4f6f9;--accent:#2f5d9b;--warn:#b3261e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--ink);background:#fff}
header{background:#1f3a5f;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;color:#d5e0ef}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;z-index:1}
nav a{margin-right:16px;color:var(--accent);text-decoration:none;font-weight:600}
main{padding:8px 32px 40px;max-width:1500px}
h2{margin:28px 0 8px;font-size:20px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{margin:18px 0 6px;font-size:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:var(--band);border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:20px}
.card span{color:var(--muted);font-size:13px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--band)}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th::after{content:" \2195";color:#9aa3b2}
table.sortable th[aria-sort=ascending]::after{content:" \2191";color:var(--ink)}
table.sortable th[aria-sort=descending]::after{content:" \2193";color:var(--ink)}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.small{font-size:12px;color:var(--muted);min-width:300px;max-width:460px}
td.id{white-space:nowrap}
td.owner{min-width:150px}
details summary{cursor:pointer;color:var(--accent)}
tr.review td:first-child{border-left:4px solid var(--warn)}
.flag{color:var(--warn);font-weight:600}
.grade{font-weight:700}
.portfolio{border:1px solid var(--line);border-radius:8px;padding:4px 18px 14px;margin:18px 0}
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:6px 18px;margin:8px 0}
dl.figures div{background:var(--band);border-radius:4px;padding:6px 10px}
dl.figures dt{color:var(--muted);font-size:12px}
dl.figures dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(820px,1fr));gap:14px}
.scroll{overflow-x:auto;max-width:100%}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px;background:#fff}
figure svg{display:block;width:100%;height:auto}
figcaption{font-size:12px;color:var(--muted);padding:4px 4px 0}
.note{color:var(--muted);font-size:13px}
.warning{color:var(--warn);border-left:4px solid var(--warn);padding:4px 10px;background:#fdf3f2}
code{font-size:12px;word-break:break-all}
"#;

/// Sorts a `table.sortable` by the clicked column: numeric cells by their `data-v`, others by
/// their text.
pub const SORT_SCRIPT: &str = r#"
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], col = th.cellIndex;
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var key = function (row) {
        var cell = row.cells[col], v = cell.getAttribute("data-v");
        if (v === null) return cell.textContent.trim().toLowerCase();
        var x = parseFloat(v);
        return isNaN(x) ? -Infinity : x;
      };
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var d = typeof x === "number" && typeof y === "number"
          ? (x === y ? 0 : (x < y ? -1 : 1)) : String(x).localeCompare(String(y));
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"#;

/// Shown where a figure is missing (an approach that does not apply, an unrated asset).
pub const MISSING: &str = "–";

/// Input text as a page shows it: escaped by maud, with control characters (parse errors in
/// HTML, invalid in the SVG it may sit beside) shown as spaces.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a>(pub &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        if self.0.chars().any(char::is_control) {
            let clean: String = self
                .0
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            clean.as_str().render_to(buffer);
        } else {
            self.0.render_to(buffer);
        }
    }
}

/// Money in whole units with thousands separators, [`MISSING`] when unknown or not finite.
pub fn money(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| MISSING.to_string(), thousands)
}

/// A count with thousands separators.
pub fn count(n: usize) -> String {
    thousands(n as f64)
}

/// A share (0.0123) as a percentage with `decimals` decimals: "1.23 %".
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{:.decimals$} %", share * 100.0)
}

/// A Herfindahl index (three decimals), [`MISSING`] when there is none.
pub fn hhi(v: Option<f64>) -> String {
    v.map_or_else(|| MISSING.to_string(), |h| grouped(h, 3))
}

/// A numeric cell showing `shown`, sortable by the raw value (empty when unknown).
pub fn num_cell(v: Option<f64>, shown: &str) -> Markup {
    let raw = v
        .filter(|x| x.is_finite())
        .map_or(String::new(), |x| x.to_string());
    html! { td.n data-v=(raw) { (Text(shown)) } }
}

/// A money cell: [`money`], sortable by the value.
pub fn money_cell(v: Option<f64>) -> Markup {
    num_cell(v, &money(v))
}

/// A count cell, sortable.
pub fn count_cell(n: usize) -> Markup {
    num_cell(Some(n as f64), &count(n))
}

/// A text cell.
pub fn text_cell(s: &str) -> Markup {
    html! { td { (Text(s)) } }
}

/// Lines of input text separated by line breaks (reasons, notes, triggers).
pub fn lines<S: AsRef<str>>(items: &[S]) -> Markup {
    html! {
        @for (i, s) in items.iter().enumerate() {
            @if i > 0 { br; }
            (Text(s.as_ref()))
        }
    }
}

/// A scrolling table with the column `names` and the rows `body`; `class` `sortable` makes its
/// columns sortable.
pub fn table<S: AsRef<str>>(class: &str, names: &[S], body: Markup) -> Markup {
    html! {
        div.scroll {
            table class=(class) {
                thead { tr { @for n in names { th { (Text(n.as_ref())) } } } }
                tbody { (body) }
            }
        }
    }
}

/// A summary card: a large figure over its label.
pub fn card(value: &str, label: &str) -> Markup {
    html! { div.card { b { (Text(value)) } span { (Text(label)) } } }
}

/// One labelled figure of a `dl.figures`.
pub fn figure(label: &str, value: &str) -> Markup {
    html! { div { dt { (Text(label)) } dd { (Text(value)) } } }
}

/// A note paragraph.
pub fn note(text: &str) -> Markup {
    html! { p.note { (Text(text)) } }
}

/// A warning the reader must not miss: a figure of the run rests on data that may be wrong.
pub fn warning(text: &str) -> Markup {
    html! { p.warning role="alert" { strong { "Warning: " } (Text(text)) } }
}

/// A whole page: `title`, a header with `heading` and the line `subtitle`, a navigation bar to
/// the sections `nav` (id, label), then `body` in `<main>`, the stylesheet and sorting script
/// inline.
pub fn page(
    title: &str,
    heading: &str,
    subtitle: &str,
    nav: &[(&str, &str)],
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (Text(title)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header { h1 { (Text(heading)) } p { (Text(subtitle)) } }
                nav { @for (id, label) in nav { a href={ "#" (id) } { (label) } } }
                main { (body) }
                script { (PreEscaped(SORT_SCRIPT)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_blanked() {
        let shown = |s: &str| html! { (Text(s)) }.into_string();
        assert_eq!(
            shown("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(shown("a & \"b\""), "a &amp; &quot;b&quot;");
        assert_eq!(shown("a\u{0}b\tc"), "a b c");
        assert_eq!(shown("Ñandú"), "Ñandú");
    }

    #[test]
    fn number_formats() {
        assert_eq!(money(Some(1234567.4)), "1,234,567");
        assert_eq!(money(None), MISSING);
        assert_eq!(money(Some(f64::NAN)), MISSING);
        assert_eq!(percent(0.01234, 2), "1.23 %");
        assert_eq!(hhi(Some(0.12345)), "0.123");
        assert_eq!(
            num_cell(Some(2.5), "2.5").into_string(),
            "<td class=\"n\" data-v=\"2.5\">2.5</td>"
        );
        assert_eq!(
            num_cell(None, MISSING).into_string(),
            "<td class=\"n\" data-v=\"\">–</td>"
        );
    }
}
