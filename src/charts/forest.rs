//! `crossroads compare`'s forest plot: for every binary outcome and non-reference scenario, the paired
//! difference from the reference in percentage points (dot and thick bar: estimate and paired 95%
//! interval; thin grey bar: the unpaired interval), with a zero line. One colour per scenario
//! ([`scenario_colour`], shared with the overlays: the reference ink, the others Okabe–Ito).

use super::style::*;
use super::{Chart, ChartError, Draw, render};
use crate::experiments::compare::Row;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Rows drawn at most (the first ones, outcome by outcome).
const MAX_ROWS: usize = 40;

/// The colour of scenario `k` of a comparison in every compare chart: the reference (0) in ink, the
/// others in the Okabe–Ito colours.
pub fn scenario_colour(k: usize) -> RGBColor {
    match k {
        0 => C_INK,
        k => PALETTE[(k - 1) % (PALETTE.len() - 1)],
    }
}

/// The forest chart of the binary rows with a paired difference; `None` when there are none.
/// `names`: the comparison's scenarios, the reference first.
pub fn chart(rows: &[Row], names: &[String], footer: &str) -> Result<Option<Chart>, ChartError> {
    let reference = names.first().map_or("", String::as_str);
    let all: Vec<&Row> = rows
        .iter()
        .filter(|r| r.kind == "binary" && r.diff.is_some() && r.diff_low.is_some())
        .collect();
    let left_out = all.len().saturating_sub(MAX_ROWS);
    let items: Vec<Row> = all.into_iter().take(MAX_ROWS).cloned().collect();
    if items.is_empty() {
        return Ok(None);
    }
    let shown = items
        .iter()
        .map(|r| &r.scenario)
        .fold(Vec::new(), |mut v: Vec<&String>, s| {
            if !v.contains(&s) {
                v.push(s);
            }
            v
        })
        .len();
    let title = format!("How do the scenarios change the outcomes, against {reference}?");
    let height = (HEIGHT as usize).max(200 + 34 * items.len()) as u32;
    let f = Forest {
        items,
        names: names.to_vec(),
        shown,
        title: title.clone(),
        subtitle: format!(
            "Paired difference from {reference} in percentage points (same random streams run by run). \
             Dot and thick bar: estimate and paired 95% interval; thin grey bar: unpaired 95% interval.{}",
            if left_out > 0 {
                format!(" The first {MAX_ROWS} rows; {left_out} more in compare.csv.")
            } else {
                String::new()
            }
        ),
        footer: footer.to_string(),
    };
    render(
        "forest",
        title,
        "Each row is one outcome in one scenario: how many percentage points more (right) or fewer \
         (left) runs reach it than in the reference; a bar that does not cross zero is a difference \
         the runs can tell apart from no difference.",
        (WIDTH, height),
        &f,
    )
    .map(Some)
}

struct Forest {
    items: Vec<Row>,
    /// All scenarios, the reference first (for colours).
    names: Vec<String>,
    /// Scenarios with a row in the chart (labels name the scenario when more than one).
    shown: usize,
    title: String,
    subtitle: String,
    footer: String,
}

impl Draw for Forest {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let body = frame(root, &self.title, &self.subtitle, &self.footer)?;
        let n = self.items.len();
        let (bw, _) = body.dim_in_pixel();
        let label_w = (bw as f64 * 0.36) as u32;
        let lstyle = text(LABEL_SIZE);
        let labels: Vec<String> = self
            .items
            .iter()
            .map(|r| {
                let l = if r.label.is_empty() {
                    humanise(&r.outcome)
                } else {
                    r.label.clone()
                };
                let s = if self.shown > 1 {
                    format!("{l} · {}", r.scenario)
                } else {
                    l
                };
                fit(root, &s, &lstyle, label_w - 16)
            })
            .collect();
        let mut lo = 0f64;
        let mut hi = 0f64;
        for r in &self.items {
            for x in [r.diff_low, r.diff_high, r.unpaired_low, r.unpaired_high]
                .into_iter()
                .flatten()
            {
                lo = lo.min(100.0 * x);
                hi = hi.max(100.0 * x);
            }
        }
        let pad = ((hi - lo) * 0.08).max(1.0);
        let (lo, hi) = (lo - pad, hi + pad);
        let key_points: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
        let mut chart = ChartBuilder::on(&body)
            .margin_right(24)
            .margin_top(8)
            .x_label_area_size(56)
            .y_label_area_size(label_w)
            .build_cartesian_2d(lo..hi, KeyAxis::new(0.0, n as f64, key_points))
            .d()?;
        let label_of = |y: &f64| -> String {
            let i = y.floor() as usize;
            if i < n {
                labels[n - 1 - i].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(C_LIGHT.stroke_width(1))
            .x_labels(11)
            .x_label_formatter(&|x| signed(*x))
            .y_label_formatter(&label_of)
            .x_desc("Difference from the reference (percentage points)")
            .label_style(text(LABEL_SIZE))
            .axis_desc_style(text(DESC_SIZE))
            .axis_style(C_GREY.stroke_width(1))
            .draw()
            .d()?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                C_INK.stroke_width(2),
            )))
            .d()?;
        for (k, r) in self.items.iter().enumerate() {
            let y = (n - 1 - k) as f64 + 0.5;
            let colour = scenario_colour(
                self.names
                    .iter()
                    .position(|s| *s == r.scenario)
                    .unwrap_or(1),
            );
            if let (Some(a), Some(b)) = (r.unpaired_low, r.unpaired_high) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(100.0 * a, y - 0.22), (100.0 * b, y - 0.22)],
                        C_GREY.stroke_width(2),
                    )))
                    .d()?;
            }
            if let (Some(d), Some(a), Some(b)) = (r.diff, r.diff_low, r.diff_high) {
                chart
                    .draw_series([PathElement::new(
                        vec![(100.0 * a, y), (100.0 * b, y)],
                        colour.stroke_width(5),
                    )])
                    .d()?;
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (100.0 * d, y),
                        6,
                        colour.filled(),
                    )))
                    .d()?;
            }
        }
        Ok(())
    }
}

/// A tick of a difference axis: `0` without a sign, others with theirs and as many decimals as the
/// value needs (`+2.5`, `-10`), so small ranges do not show `+0` for 0.4.
fn signed(x: f64) -> String {
    if x.abs() < 1e-9 {
        "0".into()
    } else if x > 0.0 {
        format!("+{}", num(x))
    } else {
        num(x)
    }
}

#[cfg(test)]
mod signed_tests {
    #[test]
    fn ticks_keep_their_decimals_and_zero_has_no_sign() {
        assert_eq!(super::signed(0.0), "0");
        assert_eq!(super::signed(-0.0), "0");
        assert_eq!(super::signed(0.4), "+0.4");
        assert_eq!(super::signed(-2.5), "-2.5");
        assert_eq!(super::signed(10.0), "+10");
    }
}
