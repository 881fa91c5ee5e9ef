//! Look and layout shared by every chart: the embedded font, the palette, the title/footer frame,
//! label fitting and number/date formatting.

use super::ChartError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

/// The font family every chart uses. Registered under this name in plotters' `ab_glyph` table, and
/// written as is into SVG `font-family` attributes, where it reads as a CSS font stack: DejaVu Sans
/// where installed (the report embeds it), else the viewer's sans-serif.
pub const FONT: &str = "DejaVu Sans, Verdana, sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The regular face's bytes (for the report's @font-face).
pub fn font_regular_bytes() -> &'static [u8] {
    REGULAR
}
/// The bold face's bytes (for the report's @font-face).
pub fn font_bold_bytes() -> &'static [u8] {
    BOLD
}

/// Registers the embedded faces with plotters (once per process).
pub fn ensure_fonts() -> Result<(), ChartError> {
    static OK: OnceLock<bool> = OnceLock::new();
    let ok = *OK.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, REGULAR).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, BOLD).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Draw(
            "the embedded font could not be loaded".into(),
        ))
    }
}

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 750;

/// Okabe–Ito colours, ordered so that neighbours differ in lightness as well as hue.
pub const C_BLUE: RGBColor = RGBColor(0, 114, 178);
pub const C_ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const C_GREEN: RGBColor = RGBColor(0, 158, 115);
pub const C_VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const C_PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const C_SKY: RGBColor = RGBColor(86, 180, 233);
pub const C_INK: RGBColor = RGBColor(33, 33, 33);
pub const C_GREY: RGBColor = RGBColor(100, 100, 100);
pub const C_LIGHT: RGBColor = RGBColor(225, 225, 225);

/// Categorical palette (parties, curves).
pub const PALETTE: [RGBColor; 7] = [
    C_BLUE,
    C_ORANGE,
    C_GREEN,
    C_VERMILLION,
    C_PURPLE,
    C_SKY,
    C_INK,
];

pub fn palette(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Viridis (perceptually uniform, monotonic lightness, colour-blind safe), t in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

pub fn text(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&C_INK)
}
pub fn bold(size: f64) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().color(&C_INK)
}
pub fn muted(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&C_GREY)
}

pub const TITLE_SIZE: f64 = 27.0;
pub const SUBTITLE_SIZE: f64 = 17.0;
pub const LABEL_SIZE: f64 = 16.0;
pub const DESC_SIZE: f64 = 17.0;
pub const PANEL_TITLE_SIZE: f64 = 17.0;
pub const FOOTER_SIZE: f64 = 14.0;

/// A linear f64 axis whose ticks are exactly `keys` (months, categories), with plotters' default
/// formatting so that a custom label formatter can be given.
#[derive(Debug, Clone)]
pub struct KeyAxis {
    pub lo: f64,
    pub hi: f64,
    pub keys: Vec<f64>,
}

impl KeyAxis {
    pub fn new(lo: f64, hi: f64, keys: Vec<f64>) -> Self {
        let hi = if hi > lo { hi } else { lo + 1.0 };
        KeyAxis { lo, hi, keys }
    }
}

impl Ranged for KeyAxis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let f = (v - self.lo) / (self.hi - self.lo);
        (limit.0 as f64 + f * (limit.1 - limit.0) as f64).round() as i32
    }
    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match hint.weight() {
            plotters::coord::ranged1d::KeyPointWeight::Bold => self.keys.clone(),
            plotters::coord::ranged1d::KeyPointWeight::Any => Vec::new(),
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// Maps a drawing error of any backend to a [`ChartError`].
pub trait OrDraw<T> {
    fn d(self) -> Result<T, ChartError>;
}
impl<T, E: std::fmt::Display> OrDraw<T> for Result<T, E> {
    fn d(self) -> Result<T, ChartError> {
        self.map_err(|e| ChartError::Draw(e.to_string()))
    }
}

/// Draws `s` with its top-left (or other anchor) at `pos` on `area`.
pub fn put<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    pos: (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
) -> Result<(), ChartError> {
    let st = style.pos(Pos::new(h, v));
    area.draw(&Text::new(s.to_string(), pos, st)).d()
}

/// Width in pixels of `s` in `style`.
pub fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
) -> u32 {
    area.estimate_text_size(s, style)
        .map(|(w, _)| w)
        .unwrap_or(0)
}

/// `s`, shortened with an ellipsis until it fits in `max_px`.
pub fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    max_px: u32,
) -> String {
    if text_width(area, s, style) <= max_px {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut n = chars.len();
    while n > 1 {
        n -= 1;
        let t: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(area, &t, style) <= max_px {
            return t;
        }
    }
    "…".into()
}

/// Word-wraps `s` into at most `max_lines` lines of `max_px`; the last line is ellipsised.
pub fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    style: &TextStyle,
    max_px: u32,
    max_lines: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let cand = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(area, &cand, style) <= max_px || cur.is_empty() {
            cur = cand;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(rest);
    }
    lines
        .into_iter()
        .map(|l| fit(area, &l, style, max_px))
        .collect()
}

/// Paints the background, the title, the subtitle and the footer; returns the area left for the
/// chart body.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    footer: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE).d()?;
    let (w, h) = root.dim_in_pixel();
    let max = w.saturating_sub(48);
    let t = fit(root, title, &bold(TITLE_SIZE), max);
    put(root, &t, (24, 16), &bold(TITLE_SIZE), HPos::Left, VPos::Top)?;
    let mut top = 56;
    for line in wrap(root, subtitle, &muted(SUBTITLE_SIZE), max, 2) {
        put(
            root,
            &line,
            (24, top),
            &muted(SUBTITLE_SIZE),
            HPos::Left,
            VPos::Top,
        )?;
        top += 22;
    }
    root.draw(&PathElement::new(
        vec![(24, h as i32 - 38), (w as i32 - 24, h as i32 - 38)],
        C_LIGHT.stroke_width(1),
    ))
    .d()?;
    let f = fit(root, footer, &muted(FOOTER_SIZE), max);
    put(
        root,
        &f,
        (24, h as i32 - 12),
        &muted(FOOTER_SIZE),
        HPos::Left,
        VPos::Bottom,
    )?;
    Ok(root.margin(top as u32 + 10, 44, 16, 24))
}

/// `snake_case` id to a readable label: "peace_support" -> "Peace support".
/// Ids of up to three letters read as acronyms: "eu" -> "EU", "usa" -> "USA".
pub fn humanise(id: &str) -> String {
    if (2..=3).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphabetic()) {
        return id.to_uppercase();
    }
    let s = id.replace(['_', '-'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A probability as a percentage for labels: "41%", "<1%", ">99%", "0%", "100%".
pub fn pct(p: f64) -> String {
    let x = p * 100.0;
    if x > 0.0 && x < 0.5 {
        "<1%".into()
    } else if x < 100.0 && x > 99.5 {
        ">99%".into()
    } else {
        format!("{:.0}%", x)
    }
}

/// A number for labels with about three significant digits.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    let s = if a == 0.0 {
        "0".to_string()
    } else if a >= 1000.0 {
        format!("{:.0}", x)
    } else if a >= 100.0 {
        format!("{:.1}", x)
    } else if a >= 10.0 {
        format!("{:.2}", x)
    } else {
        format!("{:.3}", x)
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "2026-03" -> "Mar 2026" (as is when not a `YYYY-MM` date).
pub fn month_label(date: &str) -> String {
    if let Some((y, m)) = date.split_once('-')
        && let Ok(m) = m.parse::<usize>()
        && (1..=12).contains(&m)
    {
        return format!("{} {}", MONTHS[m - 1], y);
    }
    date.to_string()
}

/// Ticks to label on a time axis from 0 to `horizon`, `start` being the date of tick 0
/// (`OutputData::date_of_tick(0)`): calendar-aligned steps of 1, 2, 3, 6, 12 or 24 months, the
/// smallest giving at most `max_labels` labels.
pub fn month_ticks(start: &str, horizon: u32, max_labels: usize) -> Vec<i32> {
    let start_month = start
        .split_once('-')
        .and_then(|(_, m)| m.parse::<i32>().ok())
        .filter(|m| (1..=12).contains(m))
        .unwrap_or(1);
    for step in [1, 2, 3, 6, 12, 24, 48] {
        let ticks: Vec<i32> = (0..=horizon as i32)
            .filter(|t| (start_month - 1 + t) % step == 0)
            .collect();
        if ticks.len() <= max_labels.max(2) && !ticks.is_empty() {
            return ticks;
        }
    }
    vec![0, horizon as i32]
}

/// A label in quotation marks inside a sentence ("what drives “Deal reached”?"); quotation marks
/// of its own become the inner, single ones ('"Armenia" bloc' → “‘Armenia’ bloc”).
pub fn quoted(label: &str) -> String {
    let mut open = true;
    let inner: String = label
        .chars()
        .map(|c| match c {
            '"' => {
                open = !open;
                if open { '’' } else { '‘' }
            }
            '“' => '‘',
            '”' => '’',
            c => c,
        })
        .collect();
    format!("“{inner}”")
}

#[cfg(test)]
mod quote_tests {
    #[test]
    fn inner_quotes_become_single() {
        assert_eq!(super::quoted("Deal reached"), "“Deal reached”");
        assert_eq!(
            super::quoted("\"Armenia\" bloc vote share"),
            "“‘Armenia’ bloc vote share”"
        );
    }
}

/// A colour scale from 0 to at least `max` with round ticks: `(top, ticks)` where the step is 1, 2,
/// 2.5 or 5 times a power of ten giving at most `n` steps, `top` the first tick at or above `max`
/// (`nice_scale(1.996, 4)` = `(2, [0, 0.5, 1, 1.5, 2])`, not 0 / 0.998 / 1.996).
pub fn nice_scale(max: f64, n: usize) -> (f64, Vec<f64>) {
    if !max.is_finite() || max <= 0.0 {
        return (1.0, vec![0.0, 0.5, 1.0]);
    }
    let raw = max / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let k = (max / step - 1e-9).ceil().max(1.0) as usize;
    let ticks: Vec<f64> = (0..=k).map(|i| i as f64 * step).collect();
    (k as f64 * step, ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_scales_have_round_ticks() {
        assert_eq!(nice_scale(1.996, 4), (2.0, vec![0.0, 0.5, 1.0, 1.5, 2.0]));
        assert_eq!(nice_scale(1.0, 4), (1.0, vec![0.0, 0.25, 0.5, 0.75, 1.0]));
        let (top, t) = nice_scale(0.37, 4);
        assert!((top - 0.4).abs() < 1e-12 && t.len() == 5, "{top} {t:?}");
    }

    #[test]
    fn formats() {
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(0.001), "<1%");
        assert_eq!(pct(0.412), "41%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(num(21.3333), "21.33");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(5.0), "5");
        assert_eq!(humanise("peace_support"), "Peace support");
        assert_eq!(humanise("eu"), "EU");
        assert_eq!(month_label("2026-03"), "Mar 2026");
    }

    #[test]
    fn month_ticks_align_to_calendar() {
        let t = month_ticks("2025-11", 36, 4);
        assert_eq!(t, vec![2, 14, 26]); // Jan 2026, Jan 2027, Jan 2028
        assert!(month_ticks("2026-01", 12, 7).len() <= 7);
    }
}
