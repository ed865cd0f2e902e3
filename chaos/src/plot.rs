//! The timeline picture (`timeline.svg`): each operation's latency at its invocation time, colored
//! by outcome (ok green, failed red, indeterminate orange), with the faults shaded.

use std::path::Path;

use plotters::prelude::*;

use crate::history::{EventType, Op};
use crate::report::FaultRecord;

pub fn timeline(path: &Path, ops: &[Op], faults: &[FaultRecord]) -> anyhow::Result<()> {
    let end_ms = ops
        .iter()
        .map(|o| o.complete_ms.unwrap_or(o.invoke_ms))
        .fold(1000.0, f64::max);
    let latency = |o: &Op| o.complete_ms.map_or(0.0, |c| c - o.invoke_ms);
    let shown: Vec<&Op> = ops.iter().filter(|o| o.f != "effect").collect();
    let top = shown.iter().map(|o| latency(o)).fold(10.0, f64::max) * 1.05;
    let root = SVGBackend::new(path, (1400, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "operations: latency (ms) over time (s); faults shaded",
            ("sans-serif", 18),
        )
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..end_ms / 1000.0, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("time (s)")
        .y_desc("latency (ms)")
        .draw()?;
    for f in faults {
        let end = f.heal_ms.unwrap_or(end_ms) / 1000.0;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(f.start_ms / 1000.0, 0.0), (end, top)],
            RGBColor(120, 120, 220).mix(0.18).filled(),
        )))?;
    }
    for (kind, color) in [
        (EventType::Ok, RGBColor(30, 150, 60)),
        (EventType::Fail, RGBColor(210, 40, 40)),
        (EventType::Info, RGBColor(240, 150, 0)),
    ] {
        chart.draw_series(
            shown
                .iter()
                .filter(|o| o.outcome == kind)
                .map(|o| Circle::new((o.invoke_ms / 1000.0, latency(o)), 2, color.filled())),
        )?;
    }
    root.present()?;
    Ok(())
}
