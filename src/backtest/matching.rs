//! Matching valuations with what happened afterwards (realized prices or outcomes) by
//! `asset_id`, as polars joins: every counterpart row learns its valuation, every valuation
//! without a counterpart learns whether one was excluded (and on which row).

use super::{Unmatched, Valuations};
use crate::error::{Error, Result};
use polars::prelude::*;

const ID: &str = "asset_id";
const VALUATION: &str = "__valuation";
const COUNTERPART: &str = "__counterpart";
const EXCLUDED_ROW: &str = "__excluded_row";

/// The result of matching: indices into the valuations' rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matches {
    /// For each counterpart row (in its order), the valuation with its asset_id.
    pub valuation_of: Vec<Option<usize>>,
    /// The valuations no counterpart row names, in file order, each with the row of the
    /// first excluded counterpart that named it.
    pub alone: Vec<(usize, Option<usize>)>,
}

fn ids_frame(ids: Vec<&str>, index: &str) -> PolarsResult<LazyFrame> {
    let n = ids.len();
    let idx: Vec<u32> = (0..n as u32).collect();
    Ok(DataFrame::new(
        n,
        vec![Column::new(ID.into(), ids), Column::new(index.into(), idx)],
    )?
    .lazy())
}

fn left_join(left: LazyFrame, right: LazyFrame) -> LazyFrame {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    left.join(right, [col(ID)], [col(ID)], args)
}

/// Matches `counterparts` (asset ids, in file order) and the `excluded` rows of the same file
/// with `valuations` (whose ids are unique).
pub fn match_ids(
    valuations: &Valuations,
    counterparts: &[&str],
    excluded: &[Unmatched],
) -> Result<Matches> {
    let run = || -> PolarsResult<Matches> {
        let v = ids_frame(
            valuations
                .rows
                .iter()
                .map(|r| r.asset_id.as_str())
                .collect(),
            VALUATION,
        )?;
        let c = ids_frame(counterparts.to_vec(), COUNTERPART)?;
        let x_ids: Vec<&str> = excluded.iter().map(|u| u.asset_id.as_str()).collect();
        let x_rows: Vec<u32> = excluded.iter().map(|u| u.row as u32).collect();
        let x = DataFrame::new(
            excluded.len(),
            vec![
                Column::new(ID.into(), x_ids),
                Column::new(EXCLUDED_ROW.into(), x_rows),
            ],
        )?
        .lazy()
        .group_by_stable([col(ID)])
        .agg([col(EXCLUDED_ROW).first()]);
        let found = left_join(c.clone(), v.clone())
            .select([col(VALUATION)])
            .collect()?;
        let named = c.group_by([col(ID)]).agg([len().alias("__n")]);
        let alone = left_join(left_join(v, named), x)
            .filter(col("__n").is_null())
            .select([col(VALUATION), col(EXCLUDED_ROW)])
            .collect()?;
        let valuation_of = found.column(VALUATION)?.u32()?;
        let alone_v = alone.column(VALUATION)?.u32()?;
        let alone_x = alone.column(EXCLUDED_ROW)?.u32()?;
        Ok(Matches {
            valuation_of: (0..valuation_of.len())
                .map(|i| valuation_of.get(i).map(|k| k as usize))
                .collect(),
            alone: (0..alone_v.len())
                .filter_map(|i| {
                    let v = alone_v.get(i)? as usize;
                    Some((v, alone_x.get(i).map(|r| r as usize)))
                })
                .collect(),
        })
    };
    run().map_err(|e| Error::Polars {
        path: valuations.path.clone(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::Valuation;

    fn valuations(ids: &[&str]) -> Valuations {
        let rows: Vec<Valuation> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| Valuation {
                row: i + 2,
                asset_id: id.to_string(),
                asset_type: String::new(),
                currency: "USD".into(),
                value_point: None,
                p05: None,
                p10: None,
                p25: None,
                p50: None,
                p75: None,
                p90: None,
                p95: None,
                fsd: None,
                prob_zero: None,
                score: None,
                grade: None,
                pd: None,
            })
            .collect();
        Valuations {
            path: "v.csv".into(),
            rows,
            columns: vec![],
        }
    }

    fn excluded(id: &str, row: usize) -> Unmatched {
        Unmatched {
            asset_id: id.into(),
            file: "outcomes",
            row,
            reason: String::new(),
        }
    }

    #[test]
    fn every_row_learns_its_valuation_and_the_rest_why_not() {
        let v = valuations(&["A", "B", "C", "D", "E"]);
        // Counterparts in their own order, one unknown, one asset twice.
        let m = match_ids(
            &v,
            &["D", "Z", "A", "D"],
            &[excluded("C", 7), excluded("C", 9), excluded("Y", 3)],
        )
        .unwrap();
        assert_eq!(m.valuation_of, [Some(3), None, Some(0), Some(3)]);
        // B, C, E named by no counterpart, in file order; C's first excluded row is 7.
        assert_eq!(m.alone, [(1, None), (2, Some(7)), (4, None)]);
    }

    #[test]
    fn nothing_to_match() {
        let v = valuations(&["A"]);
        let m = match_ids(&v, &[], &[]).unwrap();
        assert_eq!(m.valuation_of, Vec::<Option<usize>>::new());
        assert_eq!(m.alone, [(0, None)]);
    }
}
