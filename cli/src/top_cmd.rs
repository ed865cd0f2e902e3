//! `slnode top`: a full-screen terminal view of the cluster (ratatui on crossterm, so it works
//! over SSH), refreshed every second — nodes (the admin's view, as `slnode status`), the newest
//! jobs the user may see, and tasks finished per second over the last minute. `q`, Esc or
//! Ctrl-C quits and restores the terminal. `--once` prints one frame as text and exits (scripts,
//! tests, a terminal that cannot do full-screen).

use std::collections::VecDeque;
use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyModifiers};
use ratatui::crossterm::{execute, terminal};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Sparkline, Table};
use sl_node::kappa::jobs::{Empty, JsonText, ListJobs};

use crate::cluster_cmd::{ClusterArgs, ClusterStatus, Connection, client_runtime, connect, gather};
use crate::job_cmd::call;

const REFRESH: Duration = Duration::from_secs(1);
/// Seconds of throughput history the sparkline shows.
const HISTORY: usize = 60;
const JOBS_SHOWN: usize = 30;

/// What one refresh learned.
struct Sample {
    cluster: Result<ClusterStatus, String>,
    jobs: Result<Vec<serde_json::Value>, String>,
    at: Instant,
}

#[derive(Default)]
struct State {
    last: Option<Sample>,
    /// Tasks finished per second, newest last.
    rates: VecDeque<u64>,
    /// Finished tasks counted over the listed jobs at the previous sample.
    finished_before: Option<(u64, Instant)>,
}

impl State {
    fn take(&mut self, sample: Sample) {
        if let Ok(jobs) = &sample.jobs {
            let finished: u64 = jobs
                .iter()
                .map(|j| {
                    j["tasks"]["done"].as_u64().unwrap_or(0)
                        + j["tasks"]["failed"].as_u64().unwrap_or(0)
                })
                .sum();
            if let Some((before, at)) = self.finished_before {
                let seconds = sample.at.duration_since(at).as_secs_f64().max(1e-3);
                let rate = (finished.saturating_sub(before) as f64 / seconds).round() as u64;
                self.rates.push_back(rate);
                if self.rates.len() > HISTORY {
                    self.rates.pop_front();
                }
            }
            self.finished_before = Some((finished, sample.at));
        }
        self.last = Some(sample);
    }
}

async fn sample(connection: &Connection) -> Sample {
    let cluster = gather(connection).await.map_err(|e| e.to_string());
    let jobs = match call::<ListJobs>(connection, &Empty {}).await {
        Ok(JsonText { json }) => serde_json::from_str::<Vec<serde_json::Value>>(&json)
            .map_err(|e| format!("unreadable job list: {e}")),
        Err(e) => Err(e.to_string()),
    };
    Sample {
        cluster,
        jobs,
        at: Instant::now(),
    }
}

fn draw(frame: &mut ratatui::Frame, state: &State) {
    let [header, nodes, rate, jobs] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Min(5),
    ])
    .areas(frame.area());
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let Some(sample) = &state.last else {
        frame.render_widget(Paragraph::new("slnode top: asking the cluster…"), header);
        return;
    };
    let title = match &sample.cluster {
        Ok(c) => format!(
            "slnode top · {} · leader {} · term {} · {} nodes · q quits",
            if c.healthy { "healthy" } else { "UNHEALTHY" },
            c.leader.map_or("none".to_owned(), |l| l.to_string()),
            c.term.map_or("?".to_owned(), |t| t.to_string()),
            c.nodes.len()
        ),
        Err(_) => "slnode top · q quits".to_owned(),
    };
    frame.render_widget(Paragraph::new(Line::styled(title, bold)), header);

    let node_block = Block::default().borders(Borders::ALL).title(" nodes ");
    match &sample.cluster {
        Ok(c) => {
            let rows = c.nodes.iter().map(|n| {
                let health = if n.healthy {
                    "ok".to_owned()
                } else {
                    n.error.clone().unwrap_or_else(|| "no leader".into())
                };
                Row::new(vec![
                    n.id.to_string(),
                    n.name.clone(),
                    n.addr.clone(),
                    n.role.to_owned(),
                    n.term.map_or(String::new(), |t| t.to_string()),
                    n.commit.map_or(String::new(), |t| t.to_string()),
                    n.slots.to_string(),
                    n.objects.map_or(String::new(), |t| t.to_string()),
                    n.rtt_ms.map_or(String::new(), |t| format!("{t:.1} ms")),
                    health,
                ])
                .style(if n.healthy {
                    Style::default()
                } else {
                    Style::default().fg(Color::Red)
                })
            });
            let widths = [
                Constraint::Length(4),
                Constraint::Length(10),
                Constraint::Length(22),
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Length(8),
                Constraint::Length(10),
                Constraint::Min(6),
            ];
            let table = Table::new(rows, widths)
                .header(
                    Row::new(vec![
                        "id", "name", "address", "role", "term", "commit", "slots", "objects",
                        "rtt", "health",
                    ])
                    .style(bold),
                )
                .block(node_block);
            frame.render_widget(table, nodes);
        }
        Err(e) => frame.render_widget(
            Paragraph::new(format!("the cluster view is unavailable: {e}")).block(node_block),
            nodes,
        ),
    }

    let now = state.rates.back().copied().unwrap_or(0);
    let data: Vec<u64> = state.rates.iter().copied().collect();
    frame.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" tasks finished/s (last {HISTORY} s): {now} ")),
            )
            .data(&data),
        rate,
    );

    let job_block = Block::default().borders(Borders::ALL);
    match &sample.jobs {
        Ok(list) => {
            let rows = list.iter().take(JOBS_SHOWN).map(|j| {
                let status = j["status"].as_str().unwrap_or("?").to_owned();
                let style = match status.as_str() {
                    "done" => Style::default().fg(Color::Green),
                    "failed" | "cancelled" => Style::default().fg(Color::Red),
                    _ => Style::default().fg(Color::Yellow),
                };
                Row::new(vec![
                    j["job"].to_string(),
                    status,
                    format!(
                        "{}",
                        j["tasks"]["done"].as_u64().unwrap_or(0)
                            + j["tasks"]["failed"].as_u64().unwrap_or(0)
                    ),
                    j["resumes"].to_string(),
                    j["user"].as_str().unwrap_or("").to_owned(),
                    j["label"].as_str().unwrap_or("").to_owned(),
                    j["file"].as_str().unwrap_or("").to_owned(),
                ])
                .style(style)
            });
            let widths = [
                Constraint::Length(18),
                Constraint::Length(10),
                Constraint::Length(9),
                Constraint::Length(8),
                Constraint::Length(10),
                Constraint::Length(12),
                Constraint::Min(10),
            ];
            let table = Table::new(rows, widths)
                .header(
                    Row::new(vec![
                        "job", "status", "finished", "resumes", "owner", "label", "file",
                    ])
                    .style(bold),
                )
                .block(job_block.title(format!(" jobs ({}) ", list.len())));
            frame.render_widget(table, jobs);
        }
        Err(e) => frame.render_widget(
            Paragraph::new(format!("jobs unavailable: {e}")).block(job_block.title(" jobs ")),
            jobs,
        ),
    }
}

pub fn top(cluster: ClusterArgs, once: bool) -> anyhow::Result<i32> {
    let runtime = client_runtime()?;
    let connection = connect(&cluster, &runtime)?;
    let mut state = State::default();
    if once {
        state.take(runtime.block_on(sample(&connection)));
        let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
        terminal.draw(|f| draw(f, &state))?;
        let buffer = terminal.backend().buffer().clone();
        let mut out = std::io::stdout().lock();
        for y in 0..buffer.area.height {
            let line: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect();
            writeln!(out, "{}", line.trim_end())?;
        }
        return Ok(0);
    }
    terminal::enable_raw_mode().context("the terminal cannot go full-screen (try --once)")?;
    let mut stdout = std::io::stdout();
    execute!(stdout, terminal::EnterAlternateScreen)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout))?;
    let outcome = run_loop(&mut terminal, &runtime, &connection, &mut state);
    // Whatever happened, the user's terminal is given back as it was.
    let _ = terminal::disable_raw_mode();
    let _ = execute!(terminal.backend_mut(), terminal::LeaveAlternateScreen);
    let _ = terminal.show_cursor();
    outcome.map(|()| 0)
}

fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    runtime: &tokio::runtime::Runtime,
    connection: &Connection,
    state: &mut State,
) -> anyhow::Result<()> {
    loop {
        state.take(runtime.block_on(sample(connection)));
        terminal.draw(|f| draw(f, state))?;
        let next = Instant::now() + REFRESH;
        while let Some(left) = next.checked_duration_since(Instant::now()) {
            if event::poll(left)?
                && let Event::Key(key) = event::read()?
            {
                let quit = matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
                    || (key.code == KeyCode::Char('c')
                        && key.modifiers.contains(KeyModifiers::CONTROL));
                if quit {
                    return Ok(());
                }
            }
        }
    }
}
