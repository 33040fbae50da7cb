//! A walk over a Parquet footer (the file's `FileMetaData`, Thrift compact protocol) that
//! refuses what polars-parquet 0.55.2 would turn into an abort. Its footer decoder
//! (`handwritten_thrift/file_metadata_thrift.rs`) reserves `Vec::with_capacity(length)` for a
//! list before reading one element, so a single corrupt length asks for hundreds of gigabytes
//! and the allocation failure ends the process (found by fuzzing).
//!
//! The walk consumes the bytes exactly as that decoder does, so that the two agree on where each
//! list starts: every field it reads by id must carry the type it reads (the decoder does not
//! check), other fields are skipped by their declared type as it skips them. A list longer than
//! the bytes left cannot be well formed (every element takes at least one byte) and is refused.
//! Wherever the walk is stricter than polars it refuses a file no writer produces; it never
//! accepts one polars would read differently.

/// Compact-protocol type codes.
const STOP: u8 = 0;
const BOOL_TRUE: u8 = 1;
const BOOL_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const STRUCT: u8 = 12;

/// How deep polars skips nested unknown fields before it gives up.
const SKIP_DEPTH: u8 = 64;

/// What polars reads a field as.
#[derive(Clone, Copy)]
enum Ty {
    /// `read_i16/i32/i64` or `skip_vlq`: a varint whatever the declared integer type.
    Varint,
    /// A varint polars reads as an `i64` and then casts to `u64` to add to another: a column
    /// chunk's offsets and size, whose sum polars-parquet unwraps (`checked_add(..).unwrap()`
    /// in `column_metadata_byte_range_compact`), so a negative one panics. Must be ≥ 0.
    Position,
    /// `read_i8`: one raw byte.
    Byte,
    /// The field header's own boolean.
    Bool,
    /// `read_string` or `skip_binary`.
    Binary,
    /// A nested struct.
    Struct(&'static Fields),
    /// `read_list` of structs: the allocating case.
    Structs(&'static Fields),
    /// `skip_list_of_varint`.
    Varints,
    /// `skip_list_of_binary`.
    Binaries,
}

/// A struct's fields polars reads: (id, name, type).
type Fields = [(i16, &'static str, Ty)];

const EMPTY: &Fields = &[];
const DECIMAL: &Fields = &[(1, "scale", Ty::Varint), (2, "precision", Ty::Varint)];
const TIME_UNIT: &Fields = &[
    (1, "MILLIS", Ty::Struct(EMPTY)),
    (2, "MICROS", Ty::Struct(EMPTY)),
    (3, "NANOS", Ty::Struct(EMPTY)),
];
const TIME: &Fields = &[
    (1, "isAdjustedToUTC", Ty::Bool),
    (2, "unit", Ty::Struct(TIME_UNIT)),
];
const INT: &Fields = &[(1, "bitWidth", Ty::Byte), (2, "isSigned", Ty::Bool)];
const LOGICAL_TYPE: &Fields = &[
    (1, "STRING", Ty::Struct(EMPTY)),
    (2, "MAP", Ty::Struct(EMPTY)),
    (3, "LIST", Ty::Struct(EMPTY)),
    (4, "ENUM", Ty::Struct(EMPTY)),
    (5, "DECIMAL", Ty::Struct(DECIMAL)),
    (6, "DATE", Ty::Struct(EMPTY)),
    (7, "TIME", Ty::Struct(TIME)),
    (8, "TIMESTAMP", Ty::Struct(TIME)),
    (10, "INTEGER", Ty::Struct(INT)),
    (11, "UNKNOWN", Ty::Struct(EMPTY)),
    (12, "JSON", Ty::Struct(EMPTY)),
    (13, "BSON", Ty::Struct(EMPTY)),
    (14, "UUID", Ty::Struct(EMPTY)),
    (15, "FLOAT16", Ty::Struct(EMPTY)),
];
const SCHEMA_ELEMENT: &Fields = &[
    (1, "type", Ty::Varint),
    (2, "type_length", Ty::Varint),
    (3, "repetition_type", Ty::Varint),
    (4, "name", Ty::Binary),
    (5, "num_children", Ty::Varint),
    (6, "converted_type", Ty::Varint),
    (7, "scale", Ty::Varint),
    (8, "precision", Ty::Varint),
    (9, "field_id", Ty::Varint),
    (10, "logicalType", Ty::Struct(LOGICAL_TYPE)),
];
const STATISTICS: &Fields = &[
    (1, "max", Ty::Binary),
    (2, "min", Ty::Binary),
    (3, "null_count", Ty::Varint),
    (4, "distinct_count", Ty::Varint),
    (5, "max_value", Ty::Binary),
    (6, "min_value", Ty::Binary),
    (7, "is_max_value_exact", Ty::Bool),
    (8, "is_min_value_exact", Ty::Bool),
];
const COLUMN_META_DATA: &Fields = &[
    (1, "type", Ty::Varint),
    (2, "encodings", Ty::Varints),
    (3, "path_in_schema", Ty::Binaries),
    (4, "codec", Ty::Varint),
    (5, "num_values", Ty::Varint),
    (6, "total_uncompressed_size", Ty::Varint),
    (7, "total_compressed_size", Ty::Position),
    (9, "data_page_offset", Ty::Position),
    (10, "index_page_offset", Ty::Varint),
    (11, "dictionary_page_offset", Ty::Position),
    (12, "statistics", Ty::Struct(STATISTICS)),
    (14, "bloom_filter_offset", Ty::Varint),
    (15, "bloom_filter_length", Ty::Varint),
];
const COLUMN_CHUNK: &Fields = &[
    (1, "file_path", Ty::Binary),
    (2, "file_offset", Ty::Varint),
    (3, "meta_data", Ty::Struct(COLUMN_META_DATA)),
    (4, "offset_index_offset", Ty::Varint),
    (5, "offset_index_length", Ty::Varint),
    (6, "column_index_offset", Ty::Varint),
    (7, "column_index_length", Ty::Varint),
];
const SORTING_COLUMN: &Fields = &[
    (1, "column_idx", Ty::Varint),
    (2, "descending", Ty::Bool),
    (3, "nulls_first", Ty::Bool),
];
const ROW_GROUP: &Fields = &[
    (1, "columns", Ty::Structs(COLUMN_CHUNK)),
    (2, "total_byte_size", Ty::Varint),
    (3, "num_rows", Ty::Varint),
    (4, "sorting_columns", Ty::Structs(SORTING_COLUMN)),
    (5, "file_offset", Ty::Varint),
    (6, "total_compressed_size", Ty::Varint),
    (7, "ordinal", Ty::Varint),
];
const KEY_VALUE: &Fields = &[(1, "key", Ty::Binary), (2, "value", Ty::Binary)];
const COLUMN_ORDER: &Fields = &[
    (1, "TYPE_ORDER", Ty::Struct(EMPTY)),
    (2, "IEEE_754_TOTAL_ORDER", Ty::Struct(EMPTY)),
];
const FILE_META_DATA: &Fields = &[
    (1, "version", Ty::Varint),
    (2, "schema", Ty::Structs(SCHEMA_ELEMENT)),
    (3, "num_rows", Ty::Varint),
    (4, "row_groups", Ty::Structs(ROW_GROUP)),
    (5, "key_value_metadata", Ty::Structs(KEY_VALUE)),
    (6, "created_by", Ty::Binary),
    (7, "column_orders", Ty::Structs(COLUMN_ORDER)),
];

/// Checks a footer (the `FileMetaData` bytes before the length and `PAR1`); the error says
/// what is wrong and at which byte of the footer.
pub fn check(footer: &[u8]) -> Result<(), String> {
    let mut w = Walk {
        buf: footer,
        pos: 0,
    };
    w.fields(FILE_META_DATA)
        .map_err(|why| format!("its footer metadata {why} (footer byte {})", w.pos))
}

/// A compact-protocol integer: zigzag-encoded in its varint.
fn zigzag(z: u64) -> i64 {
    (z >> 1) as i64 ^ -((z & 1) as i64)
}

struct Walk<'a> {
    buf: &'a [u8],
    pos: usize,
}

type Step = Result<(), String>;

impl Walk<'_> {
    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.buf.get(self.pos).ok_or("ends early")?;
        self.pos += 1;
        Ok(b)
    }

    fn skip(&mut self, n: u64) -> Step {
        match usize::try_from(n) {
            Ok(n) if n <= self.left() => {
                self.pos += n;
                Ok(())
            }
            _ => Err(format!("claims {n} bytes where {} are left", self.left())),
        }
    }

    /// An unsigned LEB128 varint, read as polars reads it (overlong forms wrap).
    fn vlq(&mut self) -> Result<u64, String> {
        let (mut value, mut shift) = (0u64, 0u32);
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).wrapping_shl(shift);
            if b & 0x80 == 0 {
                return Ok(value);
            }
            shift = shift.wrapping_add(7);
        }
    }

    fn binary(&mut self) -> Step {
        let n = self.vlq()?;
        self.skip(n)
    }

    /// A list header: (element type, count). polars reads a long count as an `i32`; any count
    /// above the bytes left (or below zero) is refused here.
    fn list(&mut self) -> Result<(u8, usize), String> {
        let header = self.byte()?;
        let (short, elem) = (header >> 4, header & 0x0f);
        if short == 0 && elem == 0 {
            return Ok((BYTE, 0));
        }
        if !(BOOL_TRUE..=STRUCT).contains(&elem) {
            return Err(format!("has a list of unknown element type {elem}"));
        }
        // Truncation to i32 is what polars does with a long count.
        let count = if short == 15 {
            self.vlq()? as i32
        } else {
            i32::from(short)
        };
        match usize::try_from(count) {
            Ok(n) if n <= self.left() => Ok((elem, n)),
            _ => Err(format!(
                "has a list of {count} entries where {} bytes are left",
                self.left()
            )),
        }
    }

    /// A list of which polars reads each element as `expect` (`None`: of any type).
    fn list_of(&mut self, expect: &[u8], mut each: impl FnMut(&mut Self) -> Step) -> Step {
        let (elem, n) = self.list()?;
        if n > 0 && !expect.contains(&elem) {
            return Err(format!("has a list of element type {elem}, not {expect:?}"));
        }
        (0..n).try_for_each(|_| each(self))
    }

    /// The next field's (id, declared type), or `None` at the struct's stop byte.
    fn field_header(&mut self, last: i16) -> Result<Option<(i16, u8)>, String> {
        let header = self.byte()?;
        let (delta, ty) = (header >> 4, header & 0x0f);
        if ty == STOP {
            return Ok(None);
        }
        if ty > STRUCT {
            return Err(format!("has a field of unknown type {ty}"));
        }
        let id = if delta == 0 {
            // A zigzag i16, truncated as polars does.
            zigzag(self.vlq()?) as i16
        } else {
            last.checked_add(i16::from(delta))
                .ok_or("has a field id past 32767")?
        };
        Ok(Some((id, ty)))
    }

    /// A struct's fields up to its stop byte.
    fn fields(&mut self, known: &Fields) -> Step {
        let mut last = 0i16;
        while let Some((id, ty)) = self.field_header(last)? {
            match known.iter().find(|f| f.0 == id) {
                Some(&(_, name, t)) => self
                    .field(ty, t)
                    .map_err(|why| format!("field `{name}` {why}"))?,
                None => self.skip_type(ty, SKIP_DEPTH)?,
            }
            last = id;
        }
        Ok(())
    }

    /// A field polars reads as `t`, declared as `declared`.
    fn field(&mut self, declared: u8, t: Ty) -> Step {
        let ok: &[u8] = match t {
            Ty::Varint | Ty::Position => &[I16, I32, I64],
            Ty::Byte => &[BYTE],
            Ty::Bool => &[BOOL_TRUE, BOOL_FALSE],
            Ty::Binary => &[BINARY],
            Ty::Struct(_) => &[STRUCT],
            Ty::Structs(_) | Ty::Varints | Ty::Binaries => &[LIST],
        };
        if !ok.contains(&declared) {
            return Err(format!("has type {declared}, not {ok:?}"));
        }
        match t {
            Ty::Varint => self.vlq().map(drop),
            Ty::Position => {
                let n = zigzag(self.vlq()?);
                if n < 0 {
                    return Err(format!(
                        "is {n}: a byte position or size cannot be negative"
                    ));
                }
                Ok(())
            }
            Ty::Byte => self.byte().map(drop),
            Ty::Bool => Ok(()),
            Ty::Binary => self.binary(),
            Ty::Struct(f) => self.fields(f),
            Ty::Structs(f) => self.list_of(&[STRUCT], |w| w.fields(f)),
            Ty::Varints => self.list_of(&[I16, I32, I64], |w| w.vlq().map(drop)),
            Ty::Binaries => self.list_of(&[BINARY], Self::binary),
        }
    }

    /// Skips a value of a declared type the way polars' `skip_till_depth` does, including its
    /// quirk that a boolean list element takes no byte.
    fn skip_type(&mut self, ty: u8, depth: u8) -> Step {
        if depth == 0 {
            return Err("nests deeper than polars skips".into());
        }
        match ty {
            BOOL_TRUE | BOOL_FALSE => Ok(()),
            BYTE => self.byte().map(drop),
            I16 | I32 | I64 => self.vlq().map(drop),
            DOUBLE => self.skip(8),
            BINARY => self.binary(),
            STRUCT => {
                let mut last = 0i16;
                while let Some((id, ty)) = self.field_header(last)? {
                    self.skip_type(ty, depth - 1)?;
                    last = id;
                }
                Ok(())
            }
            LIST => {
                // A boolean element (type 1 or 2) is skipped like a boolean field: no byte.
                let (elem, n) = self.list()?;
                (0..n).try_for_each(|_| self.skip_type(elem, depth - 1))
            }
            other => Err(format!(
                "has a value of type {other}, which polars cannot skip"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    /// A minimal footer: version 1, an empty schema list, num_rows 0, no row groups.
    const MINIMAL: &[u8] = &[0x15, 0x02, 0x19, 0x0c, 0x16, 0x00, 0x19, 0x0c, 0x00];

    #[test]
    fn a_well_formed_footer_passes() {
        assert_eq!(check(MINIMAL), Ok(()));
    }

    #[test]
    fn a_list_longer_than_the_footer_is_refused() {
        // schema: a list header with a long count of 2^31 - 1 structs.
        let f = [0x15, 0x02, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00];
        let e = check(&f).unwrap_err();
        assert!(
            e.contains("field `schema` has a list of 2147483647 entries"),
            "{e}"
        );
    }

    #[test]
    fn a_field_polars_reads_as_a_list_must_be_declared_one() {
        // field 2 (schema) declared as an i32: polars would read a list header there.
        let f = [0x15, 0x02, 0x15, 0x7f, 0x00];
        let e = check(&f).unwrap_err();
        assert!(e.contains("field `schema` has type 5"), "{e}");
    }

    #[test]
    fn unknown_fields_are_skipped_and_a_truncated_footer_is_refused() {
        // field 9 (encryption, unknown to polars) as an empty struct, then stop.
        assert_eq!(check(&[0x9c, 0x00, 0x00]), Ok(()));
        let e = check(&MINIMAL[..4]).unwrap_err();
        assert!(e.contains("ends early"), "{e}");
    }
}
