//! report (in progress)
use crate::charts::{self, ChartError, data::OutputData};
use std::path::{Path, PathBuf};

pub fn write_report(dir: &Path) -> Result<PathBuf, ChartError> {
    let data = OutputData::load(dir)?;
    let c = charts::build_all(&data)?;
    write_report_with(&data, &c)
}

pub fn write_report_with(
    data: &OutputData,
    _charts: &[charts::Chart],
) -> Result<PathBuf, ChartError> {
    let p = data.dir.join("report.html");
    charts::write_atomic(&p, b"<html></html>")?;
    Ok(p)
}

pub fn plot_folder(dir: &Path) -> Result<(Vec<PathBuf>, PathBuf), ChartError> {
    let data = OutputData::load(dir)?;
    let c = charts::build_all(&data)?;
    let paths = charts::write_charts(dir, &c)?;
    let report = write_report_with(&data, &c)?;
    Ok((paths, report))
}
