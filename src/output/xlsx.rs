//! `results.xlsx`: the run's tables as Excel sheets, built from the same [`OutTable`]s as the
//! CSV files. Each number is written as the CSV prints it (rounded to the column's decimals),
//! so the workbook and the CSVs hold identical figures; text is stored as text, which Excel
//! never evaluates as a formula. Header rows are frozen and filtered; money shows as
//! `#,##0.00`, rates as `0.00%`.
//!
//! The workbook is written as a stream: rows become sheet XML and are deflated as they arrive,
//! so the Assets sheet is built while the Monte Carlo is still running and no sheet's cells are
//! held in memory. The sheets are written one after another, in tab order; the parts that
//! describe them (workbook, styles, shared strings) follow, once everything is known.

use super::number::as_printed;
use super::table::{OutTable, Values};
use std::collections::HashMap;
use std::io::{self, Write};
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Data rows per sheet: very large runs keep the first rows here and all of them in the CSV
/// files.
pub const MAX_ROWS: usize = 50_000;

/// Deflate level of the parts. The workbook of a 100,000-asset run (59 MB of XML, 50 MB of it
/// the Assets sheet) comes to 15.3 MB at level 1, 11.3 MB at 2 and 9.3 MB at 6; levels 1 and 2
/// keep pace with the simulation, while 6 made the whole run 2 s longer (zlib-rs,
/// `scripts/scale.sh 100000:1000`).
const LEVEL: i64 = 2;

/// Longest text Excel keeps in a cell (characters); longer notes are cut, whole in the CSV.
const MAX_TEXT: usize = 32_767;

/// Sheet XML is handed to the compressor in pieces of about this many bytes.
const FLUSH_BYTES: usize = 1 << 16;

/// Columns shown as percentages.
const RATES: &[&str] = &["advance_rate", "prob_zero", "haircut", "pd"];

/// The number formats, by decimals 0–6, then percent. Cell style `FIRST_NUMBER_STYLE + i`
/// shows format i.
const NUMBER_FORMATS: [&str; 8] = [
    "#,##0", "0.0", "#,##0.00", "0.000", "0.0000", "0.00000", "0.000000", "0.00%",
];
const HEADER_STYLE: usize = 1;
const FIRST_NUMBER_STYLE: usize = 2;

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT_SHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml";

fn format_index(name: &str, decimals: usize) -> usize {
    if RATES.contains(&name) {
        NUMBER_FORMATS.len() - 1
    } else {
        decimals.min(6)
    }
}

/// The Excel number format of a numeric column.
pub fn number_format(name: &str, decimals: usize) -> &'static str {
    NUMBER_FORMATS[format_index(name, decimals)]
}

fn width(name: &str, v: &Values) -> f64 {
    match v {
        Values::Text(_) if name == "notes" || name.starts_with("reason") => 48.0,
        Values::Text(_) => (name.len() as f64 + 4.0).max(16.0),
        Values::Number { .. } | Values::Exact(_) => (name.len() as f64 + 4.0).max(14.0),
        Values::Bool(_) => (name.len() as f64 + 4.0).max(10.0),
    }
}

/// Excel's column letters: 0 → A, 25 → Z, 26 → AA.
fn column_letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Ends a text cut to [`MAX_TEXT`] characters, so that the cut shows.
const CUT: &str = " [cut: the CSV has the whole text]";

/// Appends `s` as XML text: markup characters escaped; characters XML 1.0 cannot carry, and a
/// literal `_xHHHH_` that Excel would decode, written as Excel's `_xHHHH_` escapes. Text
/// longer than a cell holds is cut, and says so.
fn push_text(out: &mut Vec<u8>, s: &str) {
    let cut = s.chars().nth(MAX_TEXT).is_some();
    let keep = if cut { MAX_TEXT - CUT.len() } else { MAX_TEXT };
    for (i, c) in s.char_indices().take(keep) {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '_' if is_excel_escape(&s[i..]) => out.extend_from_slice(b"_x005F_"),
            '\t' | '\n' | '\r' => out.push(c as u8),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            c => {
                let mut b = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    if cut {
        out.extend_from_slice(CUT.as_bytes());
    }
}

/// `s` starts with `_xHHHH_`.
fn is_excel_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// A number as sheet XML: the shortest digits that read back as `x`; exponent form outside
/// the range where plain digits stay short.
fn push_number(out: &mut Vec<u8>, x: f64) {
    let a = x.abs();
    let _ = if a == 0.0 || (1e-6..1e15).contains(&a) {
        write!(out, "{x}")
    } else {
        write!(out, "{x:e}")
    };
}

/// The workbook's shared strings: each distinct text once, cells refer to it by index.
#[derive(Default)]
struct SharedStrings {
    index: HashMap<String, u32>,
    uses: usize,
}

impl SharedStrings {
    fn id(&mut self, s: &str) -> u32 {
        self.uses += 1;
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.index.len() as u32;
        self.index.insert(s.to_string(), i);
        i
    }

    /// The distinct texts in index order.
    fn in_order(self) -> Vec<String> {
        let mut all: Vec<(u32, String)> = self.index.into_iter().map(|(s, i)| (i, s)).collect();
        all.sort_unstable_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, s)| s).collect()
    }
}

/// A written sheet, for the workbook part.
struct SheetInfo {
    name: String,
    /// Last column's letters and last row of the header and data, e.g. (`AD`, 50001); `None`
    /// without columns.
    last_cell: Option<(String, usize)>,
}

/// The sheet whose rows are being written.
struct OpenSheet {
    name: String,
    /// Column letters and the style of each column's cells.
    columns: Vec<(String, Option<usize>)>,
    /// Data rows the sheet takes.
    capacity: usize,
    /// Data rows written.
    written: usize,
}

/// A workbook being written to `W`.
pub struct Workbook<W: Write> {
    zip: ZipWriter<StreamWriter<W>>,
    sheets: Vec<SheetInfo>,
    strings: SharedStrings,
    open: Option<OpenSheet>,
    xml: Vec<u8>,
}

fn zip_error(e: zip::result::ZipError) -> io::Error {
    match e {
        zip::result::ZipError::Io(e) => e,
        e => io::Error::other(e),
    }
}

impl<W: Write> Workbook<W> {
    /// Starts a workbook on `out`.
    pub fn new(out: W) -> Self {
        Workbook {
            zip: ZipWriter::new_stream(out),
            sheets: vec![],
            strings: SharedStrings::default(),
            open: None,
            xml: Vec::with_capacity(2 * FLUSH_BYTES),
        }
    }

    fn start_part(&mut self, name: &str) -> io::Result<()> {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(LEVEL))
            .last_modified_time(DateTime::default());
        self.zip.start_file(name, options).map_err(zip_error)
    }

    fn flush_xml(&mut self) -> io::Result<()> {
        self.zip.write_all(&self.xml)?;
        self.xml.clear();
        Ok(())
    }

    fn part(&mut self, name: &str, xml: &str) -> io::Result<()> {
        self.start_part(name)?;
        self.zip.write_all(XML_HEAD.as_bytes())?;
        self.zip.write_all(xml.as_bytes())
    }

    /// Starts the next sheet: `header` gives the columns (its rows are not written) and
    /// `rows` how many data rows it will take at most ([`MAX_ROWS`] at the very most).
    pub fn start_sheet(&mut self, name: &str, header: &OutTable, rows: usize) -> io::Result<()> {
        if self.open.is_some() {
            self.end_sheet()?;
        }
        let rows = rows.min(MAX_ROWS);
        let columns: Vec<(String, Option<usize>)> = header
            .names
            .iter()
            .zip(&header.columns)
            .enumerate()
            .map(|(c, (name, v))| {
                let style = match v {
                    Values::Number { decimals, .. } => {
                        Some(FIRST_NUMBER_STYLE + format_index(name, *decimals))
                    }
                    _ => None,
                };
                (column_letters(c), style)
            })
            .collect();
        self.start_part(&format!("xl/worksheets/sheet{}.xml", self.sheets.len() + 1))?;
        let last = columns.last().map(|(l, _)| format!("{l}{}", rows + 1));
        let _ = write!(
            self.xml,
            "{XML_HEAD}<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\">\
             <dimension ref=\"A1{}\"/>\
             <sheetViews><sheetView{} workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" \
             activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/>\
             </sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>",
            last.as_ref().map(|l| format!(":{l}")).unwrap_or_default(),
            if self.sheets.is_empty() {
                " tabSelected=\"1\""
            } else {
                ""
            },
        );
        if !columns.is_empty() {
            self.xml.extend_from_slice(b"<cols>");
            for (c, ((name, v), (_, style))) in header
                .names
                .iter()
                .zip(&header.columns)
                .zip(&columns)
                .enumerate()
            {
                // Excel stores a column's width with about 0.71 characters of padding.
                let _ = write!(
                    self.xml,
                    "<col min=\"{n}\" max=\"{n}\" width=\"{}\"{} customWidth=\"1\"/>",
                    width(name, v) + 0.7109375,
                    style.map(|s| format!(" style=\"{s}\"")).unwrap_or_default(),
                    n = c + 1
                );
            }
            self.xml.extend_from_slice(b"</cols>");
        }
        self.xml.extend_from_slice(b"<sheetData><row r=\"1\">");
        for ((letters, _), name) in columns.iter().zip(&header.names) {
            let id = self.strings.id(name);
            let _ = write!(
                self.xml,
                "<c r=\"{letters}1\" s=\"{HEADER_STYLE}\" t=\"s\"><v>{id}</v></c>"
            );
        }
        self.xml.extend_from_slice(b"</row>");
        self.open = Some(OpenSheet {
            name: name.to_string(),
            columns,
            capacity: rows,
            written: 0,
        });
        Ok(())
    }

    /// Appends `table`'s rows to the open sheet, up to its row count; returns the rows that
    /// did not fit.
    pub fn add_rows(&mut self, table: &OutTable) -> io::Result<usize> {
        let Some(mut sheet) = self.open.take() else {
            return Err(io::Error::other("no sheet is open"));
        };
        let take = table.rows().min(sheet.capacity - sheet.written);
        for r in 0..take {
            let n = sheet.written + r + 2;
            let _ = write!(self.xml, "<row r=\"{n}\">");
            for ((letters, style), values) in sheet.columns.iter().zip(&table.columns) {
                self.cell(letters, n, *style, values, r);
            }
            self.xml.extend_from_slice(b"</row>");
            if self.xml.len() >= FLUSH_BYTES {
                self.flush_xml()?;
            }
        }
        sheet.written += take;
        self.open = Some(sheet);
        Ok(table.rows() - take)
    }

    fn cell(&mut self, letters: &str, n: usize, style: Option<usize>, values: &Values, r: usize) {
        let xml = &mut self.xml;
        match values {
            Values::Text(v) if !v[r].is_empty() => {
                let id = self.strings.id(&v[r]);
                let _ = write!(xml, "<c r=\"{letters}{n}\" t=\"s\"><v>{id}</v></c>");
            }
            Values::Text(_) => {}
            Values::Number { values, decimals } => {
                if let Some(x) = values[r].filter(|x| x.is_finite()) {
                    let _ = write!(
                        xml,
                        "<c r=\"{letters}{n}\" s=\"{}\"><v>",
                        style.unwrap_or(0)
                    );
                    push_number(xml, as_printed(x, *decimals));
                    xml.extend_from_slice(b"</v></c>");
                }
            }
            Values::Exact(values) => {
                let finite = values[r].filter(|x| !x.is_nan());
                if let Some(x) = finite.map(|x| x.clamp(f64::MIN, f64::MAX)) {
                    let _ = write!(xml, "<c r=\"{letters}{n}\"><v>");
                    push_number(xml, x);
                    xml.extend_from_slice(b"</v></c>");
                }
            }
            Values::Bool(v) => {
                let _ = write!(
                    xml,
                    "<c r=\"{letters}{n}\" t=\"b\"><v>{}</v></c>",
                    u8::from(v[r])
                );
            }
        }
    }

    /// Closes the open sheet: its filter covers the rows written.
    pub fn end_sheet(&mut self) -> io::Result<()> {
        let Some(sheet) = self.open.take() else {
            return Ok(());
        };
        self.xml.extend_from_slice(b"</sheetData>");
        let last_cell = sheet
            .columns
            .last()
            .map(|(letters, _)| (letters.clone(), sheet.written + 1));
        if let Some((letters, row)) = &last_cell {
            let _ = write!(self.xml, "<autoFilter ref=\"A1:{letters}{row}\"/>");
        }
        self.xml.extend_from_slice(
            b"<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" \
              header=\"0.3\" footer=\"0.3\"/></worksheet>",
        );
        self.flush_xml()?;
        self.sheets.push(SheetInfo {
            name: sheet.name,
            last_cell,
        });
        Ok(())
    }

    /// Writes a whole sheet; returns the rows left out for [`MAX_ROWS`].
    pub fn sheet(&mut self, name: &str, table: &OutTable) -> io::Result<usize> {
        self.start_sheet(name, table, table.rows())?;
        let left_out = self.add_rows(table)?;
        self.end_sheet()?;
        Ok(left_out)
    }

    /// Writes the parts that describe the sheets and closes the archive.
    pub fn finish(mut self) -> io::Result<W> {
        self.end_sheet()?;
        let strings = std::mem::take(&mut self.strings);
        let uses = strings.uses;
        let texts = strings.in_order();
        self.start_part("xl/sharedStrings.xml")?;
        let _ = write!(
            self.xml,
            "{XML_HEAD}<sst xmlns=\"{MAIN_NS}\" count=\"{uses}\" uniqueCount=\"{}\">",
            texts.len()
        );
        for s in &texts {
            let edge = |c: Option<char>| c.is_some_and(char::is_whitespace);
            self.xml
                .extend_from_slice(if edge(s.chars().next()) || edge(s.chars().last()) {
                    b"<si><t xml:space=\"preserve\">".as_slice()
                } else {
                    b"<si><t>".as_slice()
                });
            push_text(&mut self.xml, s);
            self.xml.extend_from_slice(b"</t></si>");
            if self.xml.len() >= FLUSH_BYTES {
                self.flush_xml()?;
            }
        }
        self.xml.extend_from_slice(b"</sst>");
        self.flush_xml()?;
        self.part("xl/styles.xml", &styles_xml())?;
        self.part("xl/workbook.xml", &workbook_xml(&self.sheets))?;
        self.part(
            "xl/_rels/workbook.xml.rels",
            &workbook_rels(self.sheets.len()),
        )?;
        let package_rels = format!(
            "<Relationships xmlns=\"{PKG_REL_NS}\"><Relationship Id=\"rId1\" \
             Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
        );
        self.part("_rels/.rels", &package_rels)?;
        self.part("[Content_Types].xml", &content_types(self.sheets.len()))?;
        Ok(self.zip.finish().map_err(zip_error)?.into_inner())
    }
}

fn styles_xml() -> String {
    let formats: String = NUMBER_FORMATS
        .iter()
        .enumerate()
        .map(|(i, f)| format!("<numFmt numFmtId=\"{}\" formatCode=\"{f}\"/>", 164 + i))
        .collect();
    let number_xfs: String = (0..NUMBER_FORMATS.len())
        .map(|i| {
            format!(
                "<xf numFmtId=\"{}\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" \
                 applyNumberFormat=\"1\"/>",
                164 + i
            )
        })
        .collect();
    format!(
        "<styleSheet xmlns=\"{MAIN_NS}\"><numFmts count=\"{}\">{formats}</numFmts>\
         <fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/>\
         </font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
         </fonts><fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>\
         <fill><patternFill patternType=\"gray125\"/></fill><fill><patternFill \
         patternType=\"solid\"><fgColor rgb=\"FFDDE6F0\"/><bgColor indexed=\"64\"/>\
         </patternFill></fill></fills><borders count=\"1\"><border><left/><right/><top/>\
         <bottom/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" \
         fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"{}\">\
         <xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
         <xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"0\" xfId=\"0\" \
         applyFont=\"1\" applyFill=\"1\"/>{number_xfs}</cellXfs><cellStyles count=\"1\">\
         <cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/>\
         <tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" \
         defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>",
        NUMBER_FORMATS.len(),
        FIRST_NUMBER_STYLE + NUMBER_FORMATS.len()
    )
}

/// A sheet name as a formula refers to it: quoted unless plain letters, digits and `_`.
fn quoted_sheet(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

fn escaped(s: &str) -> String {
    let mut out = Vec::new();
    push_text(&mut out, s);
    String::from_utf8(out).unwrap_or_default()
}

fn workbook_xml(sheets: &[SheetInfo]) -> String {
    let list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
                escaped(&s.name).replace('"', "&quot;"),
                n = i + 1
            )
        })
        .collect();
    // Excel finds each sheet's filter range through this hidden name.
    let filters: String = sheets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let (letters, row) = s.last_cell.as_ref()?;
            Some(format!(
                "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" \
                 hidden=\"1\">{}!$A$1:${letters}${row}</definedName>",
                escaped(&quoted_sheet(&s.name))
            ))
        })
        .collect();
    let names = if filters.is_empty() {
        String::new()
    } else {
        format!("<definedNames>{filters}</definedNames>")
    };
    format!(
        "<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><workbookPr/>\
         <bookViews><workbookView/></bookViews>\
         <sheets>{list}</sheets>{names}<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>"
    )
}

fn workbook_rels(sheets: usize) -> String {
    let rel = |id: usize, kind: &str, target: &str| {
        format!("<Relationship Id=\"rId{id}\" Type=\"{REL_NS}/{kind}\" Target=\"{target}\"/>")
    };
    let mut out = format!("<Relationships xmlns=\"{PKG_REL_NS}\">");
    for i in 1..=sheets {
        out += &rel(i, "worksheet", &format!("worksheets/sheet{i}.xml"));
    }
    out += &rel(sheets + 1, "styles", "styles.xml");
    out += &rel(sheets + 2, "sharedStrings", "sharedStrings.xml");
    out + "</Relationships>"
}

fn content_types(sheets: usize) -> String {
    let part = |name: &str, kind: &str| {
        format!("<Override PartName=\"/{name}\" ContentType=\"{CT_SHEET}.{kind}+xml\"/>")
    };
    let mut out = String::from(
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" \
         ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    );
    out += &part("xl/workbook.xml", "sheet.main");
    for i in 1..=sheets {
        out += &part(&format!("xl/worksheets/sheet{i}.xml"), "worksheet");
    }
    out += &part("xl/styles.xml", "styles");
    out += &part("xl/sharedStrings.xml", "sharedStrings");
    out + "</Types>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_column() {
        assert_eq!(number_format("p50", 2), "#,##0.00");
        assert_eq!(number_format("advance_rate", 4), "0.00%");
        assert_eq!(number_format("score", 0), "#,##0");
        assert_eq!(number_format("fsd", 4), "0.0000");
    }

    #[test]
    fn column_letters_run_past_z() {
        let got: Vec<String> = [0, 25, 26, 29, 51, 52, 701, 702]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(got, ["A", "Z", "AA", "AD", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn text_is_escaped_for_xml_and_excel() {
        let got = escaped("a<b & c>d\u{1}e_x0041_f\tg");
        assert_eq!(got, "a&lt;b &amp; c&gt;d_x0001_e_x005F_x0041_f\tg");
        let long = escaped(&"x".repeat(MAX_TEXT + 10));
        assert_eq!(long.len(), MAX_TEXT);
        assert!(long.ends_with(CUT));
        assert_eq!(escaped(&"x".repeat(MAX_TEXT)), "x".repeat(MAX_TEXT));
    }

    #[test]
    fn numbers_stay_short_and_exact() {
        let show = |x: f64| {
            let mut v = vec![];
            push_number(&mut v, x);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(show(27477.85), "27477.85");
        assert_eq!(show(0.0), "0");
        assert_eq!(show(-0.5), "-0.5");
        assert_eq!(show(1.5e20), "1.5e20");
        assert_eq!(show(2e-9), "2e-9");
        assert_eq!(show(1.5e20).parse::<f64>().unwrap(), 1.5e20);
    }

    /// A workbook written here reads back through calamine (an independent reader) cell for
    /// cell: text Excel or XML would mangle, numbers of every size, booleans, empty cells, a
    /// sheet capped below its rows and a sheet with no rows.
    #[test]
    fn round_trips_through_calamine() {
        use calamine::{Data, Reader, Xlsx};
        let texts = [
            "plain",
            "a<b & c>d \"q\" 'a'",
            "ctrl\u{1}char",
            "_x0041_ stays literal",
            "  padded  ",
            "=1+1",
            "line\nbreak",
            "",
            "Tiếng Việt ภาษาไทย",
        ];
        let numbers = [
            Some(1234.567),
            Some(-0.004),
            Some(1.5e20),
            None,
            Some(0.25),
            Some(f64::NAN),
            Some(3e-9),
            Some(-7.0),
            Some(42.0),
        ];
        let mut t = OutTable::default();
        t.push(
            "text",
            Values::Text(texts.iter().map(|s| s.to_string()).collect()),
        );
        t.push(
            "p50",
            Values::Number {
                values: numbers.to_vec(),
                decimals: 2,
            },
        );
        t.push(
            "prob_zero",
            Values::Number {
                values: numbers.to_vec(),
                decimals: 4,
            },
        );
        t.push("flag", Values::Bool((0..9).map(|i| i % 2 == 0).collect()));
        let mut wb = Workbook::new(std::io::Cursor::new(Vec::new()));
        wb.start_sheet("Capped", &t, 4).unwrap();
        assert_eq!(wb.add_rows(&t).unwrap(), 5);
        wb.end_sheet().unwrap();
        assert_eq!(wb.sheet("All rows", &t).unwrap(), 0);
        assert_eq!(wb.sheet("Empty", &OutTable::default()).unwrap(), 0);
        let bytes = wb.finish().unwrap().into_inner();

        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Capped", "All rows", "Empty"]);
        let capped = book.worksheet_range("Capped").unwrap();
        assert_eq!(capped.height(), 5, "header and the first 4 rows");
        let all = book.worksheet_range("All rows").unwrap();
        let rows: Vec<&[Data]> = all.rows().collect();
        assert_eq!(
            rows[0],
            ["text", "p50", "prob_zero", "flag"].map(|h| Data::String(h.into()))
        );
        for (r, row) in rows[1..].iter().enumerate() {
            let text = match &row[0] {
                Data::String(s) => s.as_str(),
                Data::Empty => "",
                other => panic!("row {r}: {other:?}"),
            };
            assert_eq!(text, texts[r], "row {r}");
            for (c, d) in [(1, 2), (2, 4)] {
                let want = numbers[r]
                    .filter(|x| x.is_finite())
                    .map(|x| as_printed(x, d));
                let got = match &row[c] {
                    Data::Float(x) => Some(*x),
                    Data::Int(i) => Some(*i as f64),
                    Data::Empty => None,
                    other => panic!("row {r} col {c}: {other:?}"),
                };
                assert_eq!(got, want, "row {r} col {c}");
            }
            assert_eq!(row[3], Data::Bool(r % 2 == 0));
        }
        assert!(book.worksheet_range("Empty").unwrap().is_empty());
    }
}
