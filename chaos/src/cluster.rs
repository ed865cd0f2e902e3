//! The cluster under test: real `slnode` processes on loopback addresses of their own, and the
//! faults done to them (signals, nftables rules, leave/join). Every fault is recorded in
//! [`Cluster`] so [`Cluster::heal_all`] can undo it, whatever happened (Ctrl-C, a failed check).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How long `slnode up` and a restarted node get to become healthy.
pub const UP_TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Clone, Debug)]
pub struct Member {
    /// `node-N`, also its directory under the cluster dir.
    pub name: String,
    pub index: usize,
    pub addr: SocketAddr,
    pub dir: PathBuf,
    pub pid: Option<i32>,
    pub killed: bool,
    pub paused: bool,
    /// Left the cluster (membership churn); never restarted.
    pub left: bool,
    /// How it joined (`slnode join …`), for a restart before the join wrote its `node.toml`:
    /// a node killed mid-join is joined again, as its operator would.
    pub join: Option<Vec<String>>,
}

pub struct Cluster {
    pub slnode: PathBuf,
    pub dir: PathBuf,
    pub first_ip: Ipv4Addr,
    pub port: u16,
    pub voters: usize,
    pub members: Vec<Member>,
    /// Processes this tool started (restarts, joins), reaped when they exit.
    children: Vec<Child>,
    /// The nftables table holding this run's partition rules, when one exists.
    table: Option<String>,
    pub client_config: PathBuf,
}

fn ip_of(first: Ipv4Addr, index: usize) -> Ipv4Addr {
    let [a, b, c, d] = first.octets();
    Ipv4Addr::new(a, b, c, d + (index as u8 - 1))
}

/// How long a leaving node may take to hand its objects off and stop.
const LEAVE_WITHIN: Duration = Duration::from_secs(90);
/// How long a join may run before slchaos stops waiting for it (it goes on in the background).
const JOIN_WITHIN: Duration = Duration::from_secs(30);
/// Joins tried, as an operator would retry, before the new node is given up.
const JOIN_ATTEMPTS: u32 = 3;

impl Cluster {
    /// `slnode up` a fresh cluster of `nodes` under `dir` (which must not hold one).
    pub fn up(
        slnode: &Path,
        dir: &Path,
        nodes: usize,
        first_ip: Ipv4Addr,
        port: u16,
    ) -> anyhow::Result<Cluster> {
        if dir.join("up.toml").exists() {
            bail!(
                "{} already holds a cluster; pass a fresh --out",
                dir.display()
            );
        }
        std::fs::create_dir_all(dir)?;
        let dir = dir.canonicalize()?;
        let voters = if nodes >= 5 { 5 } else { nodes.min(3) };
        // `up` installs ~/.config/slnode/client.toml when there is none: keep it in the run dir.
        let home = dir.join("home");
        std::fs::create_dir_all(&home)?;
        let output = Command::new(slnode)
            .args(["up", "--nodes", &nodes.to_string(), "--dir"])
            .arg(&dir)
            .args([
                "--voters",
                &voters.to_string(),
                "--first-ip",
                &first_ip.to_string(),
                "--port",
                &port.to_string(),
            ])
            .env("HOME", &home)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {} up", slnode.display()))?;
        let mut cluster = Cluster {
            slnode: slnode.to_owned(),
            dir: dir.clone(),
            first_ip,
            port,
            voters,
            members: Vec::new(),
            children: Vec::new(),
            table: None,
            client_config: dir.join("client.toml"),
        };
        for i in 1..=nodes {
            let node_dir = dir.join(format!("node-{i}"));
            let pid = read_pid(&node_dir);
            cluster.members.push(Member {
                name: format!("node-{i}"),
                index: i,
                addr: SocketAddr::from((ip_of(first_ip, i), port)),
                dir: node_dir,
                pid,
                killed: false,
                paused: false,
                left: false,
                join: None,
            });
        }
        if !output.status.success() {
            cluster.down();
            bail!(
                "slnode up failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(cluster)
    }

    /// Members that have not left.
    pub fn live(&self) -> Vec<&Member> {
        self.members.iter().filter(|m| !m.left).collect()
    }

    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.live().iter().map(|m| m.addr).collect()
    }

    fn spawn(&mut self, args: &[String], log: &Path) -> anyhow::Result<i32> {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)?;
        let mut command = Command::new(&self.slnode);
        command
            .args(args)
            .env("HOME", self.dir.join("home"))
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        // Its own process group: Ctrl-C at slchaos's terminal must not kill nodes behind its back.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let child = command.spawn().context("starting slnode")?;
        let pid = child.id() as i32;
        self.children.push(child);
        self.children
            .retain_mut(|c| !matches!(c.try_wait(), Ok(Some(_))));
        Ok(pid)
    }

    pub fn signal(&mut self, index: usize, signal: i32) -> anyhow::Result<()> {
        let member = self
            .members
            .iter()
            .find(|m| m.index == index)
            .context("no such member")?;
        let pid = member.pid.context("the node has no process")?;
        // SAFETY: plain signal delivery to a process this run started (directly or via `up`).
        if unsafe { libc::kill(pid, signal) } != 0 {
            bail!(
                "signal {signal} to {} (pid {pid}): {}",
                member.name,
                std::io::Error::last_os_error()
            );
        }
        Ok(())
    }

    fn member_mut(&mut self, index: usize) -> &mut Member {
        self.members
            .iter_mut()
            .find(|m| m.index == index)
            .expect("indices come from members")
    }

    pub fn kill(&mut self, index: usize) -> anyhow::Result<()> {
        // A paused process dies of SIGKILL all the same.
        self.signal(index, libc::SIGKILL)?;
        let pid = self.member_mut(index).pid;
        if let Some(pid) = pid {
            wait_gone(pid, Duration::from_secs(5));
        }
        let m = self.member_mut(index);
        m.killed = true;
        m.paused = false;
        Ok(())
    }

    pub fn restart(&mut self, index: usize) -> anyhow::Result<()> {
        let (dir, name, join) = {
            let m = self.member_mut(index);
            (m.dir.clone(), m.name.clone(), m.join.clone())
        };
        let log = dir.join("node.log");
        let args = match join {
            // Killed before its join wrote the node's identity: join again.
            Some(join) if !dir.join("node.toml").exists() => join,
            _ => vec![
                "serve".into(),
                "--data-dir".into(),
                dir.display().to_string(),
                "--log".into(),
                log.display().to_string(),
                "-v".into(),
            ],
        };
        let pid = self
            .spawn(&args, &log)
            .with_context(|| format!("restarting {name}"))?;
        let _ = std::fs::write(dir.join("pid"), pid.to_string());
        let m = self.member_mut(index);
        m.pid = Some(pid);
        m.killed = false;
        Ok(())
    }

    pub fn pause(&mut self, index: usize) -> anyhow::Result<()> {
        self.signal(index, libc::SIGSTOP)?;
        self.member_mut(index).paused = true;
        Ok(())
    }

    pub fn resume(&mut self, index: usize) -> anyhow::Result<()> {
        self.signal(index, libc::SIGCONT)?;
        self.member_mut(index).paused = false;
        Ok(())
    }

    /// Drops every packet between the members of `left` and those of `right` (both ways).
    pub fn partition(&mut self, left: &[usize], right: &[usize]) -> anyhow::Result<()> {
        let table = format!("slchaos_{}", std::process::id());
        let ip = |i: &usize| ip_of(self.first_ip, *i);
        let mut script = format!(
            "table inet {table} {{\n  chain input {{\n    type filter hook input priority -10; policy accept;\n"
        );
        for a in left {
            for b in right {
                for (s, d) in [(ip(a), ip(b)), (ip(b), ip(a))] {
                    script.push_str(&format!("    ip saddr {s} ip daddr {d} drop\n"));
                }
            }
        }
        script.push_str("  }\n}\n");
        // A fresh table each time: delete the previous one first (ignoring "no such table").
        self.heal_partition();
        nft(&script)?;
        self.table = Some(table);
        Ok(())
    }

    pub fn heal_partition(&mut self) {
        if let Some(table) = self.table.take()
            && let Err(e) = nft(&format!("delete table inet {table}\n"))
        {
            eprintln!("slchaos: could not delete nftables table {table}: {e}");
        }
    }

    /// The member at `index` leaves (`slnode leave`); waits for its process to end.
    pub fn leave(&mut self, index: usize) -> anyhow::Result<()> {
        let m = self.member_mut(index).clone();
        let output = Command::new(&self.slnode)
            .args(["leave", "--data-dir"])
            .arg(&m.dir)
            .arg("--config")
            .arg(&self.client_config)
            .env("HOME", self.dir.join("home"))
            .stdin(Stdio::null())
            .output()?;
        if !output.status.success() {
            bail!(
                "slnode leave {}: {}",
                m.name,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        if let Some(pid) = m.pid
            && !wait_gone(pid, LEAVE_WITHIN)
        {
            // Still handing its objects off: it has not left (it is still in the configuration
            // and holds copies nobody else has). Stopped like a killed node, it is restarted at
            // heal and finishes nothing half-way; marking it gone would lose those copies.
            // SAFETY: signal to a process this run started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let member = self.member_mut(index);
            member.killed = true;
            member.pid = None;
            bail!(
                "{} did not finish leaving within {LEAVE_WITHIN:?}; killed, to be restarted",
                m.name
            );
        }
        self.member_mut(index).left = true;
        Ok(())
    }

    /// A new member joins through the bootstrap node; returns its index.
    pub fn join_new(&mut self) -> anyhow::Result<usize> {
        let index = self.members.iter().map(|m| m.index).max().unwrap_or(0) + 1;
        if index + self.first_ip.octets()[3] as usize > 250 {
            bail!("no loopback address left for another node");
        }
        let name = format!("node-{index}");
        let dir = self.dir.join(&name);
        std::fs::create_dir_all(&dir)?;
        let token = std::fs::read_to_string(self.dir.join("node-1/join-token"))
            .context("reading the join token")?;
        let addr = SocketAddr::from((ip_of(self.first_ip, index), self.port));
        let http = SocketAddr::from((ip_of(self.first_ip, index), self.port + 80));
        let log = dir.join("node.log");
        let bootstrap = self.members[0].addr;
        let args: Vec<String> = vec![
            "join".into(),
            bootstrap.to_string(),
            "--token".into(),
            token.trim().to_owned(),
            "--data-dir".into(),
            dir.display().to_string(),
            "--listen".into(),
            addr.to_string(),
            "--http".into(),
            http.to_string(),
            "--name".into(),
            name.clone(),
            "--voters".into(),
            self.voters.to_string(),
            "--log".into(),
            log.display().to_string(),
            "-v".into(),
        ];
        let pid = self.spawn(&args, &log)?;
        let _ = std::fs::write(dir.join("pid"), pid.to_string());
        self.members.push(Member {
            name,
            index,
            addr,
            dir,
            pid: Some(pid),
            killed: false,
            paused: false,
            left: false,
            join: Some(args),
        });
        self.await_join(index)?;
        Ok(index)
    }

    /// Waits until the joining node wrote its identity (it then runs on), retrying a join that
    /// ended without one (the bootstrap node busy or briefly unreachable). A node that never
    /// joins is given up — counted as left, neither restarted nor read — with an error.
    fn await_join(&mut self, index: usize) -> anyhow::Result<()> {
        let (dir, name, args) = {
            let m = self.member_mut(index);
            (
                m.dir.clone(),
                m.name.clone(),
                m.join.clone().unwrap_or_default(),
            )
        };
        let config = dir.join("node.toml");
        for attempt in 1..=JOIN_ATTEMPTS {
            let deadline = Instant::now() + JOIN_WITHIN;
            loop {
                if config.exists() || Instant::now() >= deadline {
                    return Ok(());
                }
                let pid = self.member_mut(index).pid;
                if pid.is_none_or(|p| self.exited(p)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if config.exists() {
                return Ok(());
            }
            if attempt < JOIN_ATTEMPTS {
                std::thread::sleep(Duration::from_millis(500));
                let pid = self.spawn(&args, &dir.join("node.log"))?;
                let _ = std::fs::write(dir.join("pid"), pid.to_string());
                self.member_mut(index).pid = Some(pid);
            }
        }
        let m = self.member_mut(index);
        m.left = true;
        m.pid = None;
        bail!("{name} did not join after {JOIN_ATTEMPTS} attempts (see its node.log)")
    }

    /// Whether the process `pid` this run started has ended (reaping it).
    fn exited(&mut self, pid: i32) -> bool {
        match self.children.iter_mut().find(|c| c.id() as i32 == pid) {
            Some(child) => !matches!(child.try_wait(), Ok(None)),
            None => true,
        }
    }

    /// Undoes every fault: partitions removed, paused nodes continued, killed nodes restarted.
    pub fn heal_all(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        self.heal_partition();
        let indices: Vec<(usize, bool, bool)> = self
            .members
            .iter()
            .filter(|m| !m.left)
            .map(|m| (m.index, m.paused, m.killed))
            .collect();
        for (index, paused, killed) in indices {
            if paused && let Err(e) = self.resume(index) {
                problems.push(e.to_string());
            }
            if killed && let Err(e) = self.restart(index) {
                problems.push(e.to_string());
            }
        }
        problems
    }

    /// Stops every node (SIGCONT first, so a paused one can take its SIGTERM), and removes the
    /// partition table. Safe to call more than once.
    pub fn down(&mut self) {
        self.heal_partition();
        for m in &self.members {
            if let Some(pid) = m.pid {
                // SAFETY: signals to processes this run started.
                unsafe {
                    libc::kill(pid, libc::SIGCONT);
                    libc::kill(pid, libc::SIGTERM);
                }
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let pids: Vec<i32> = self.members.iter().filter_map(|m| m.pid).collect();
        for pid in pids {
            {
                while alive(pid) && Instant::now() < deadline {
                    self.reap();
                    std::thread::sleep(Duration::from_millis(50));
                }
                if alive(pid) {
                    // SAFETY: as above.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
            }
        }
        self.reap();
        for child in &mut self.children {
            let _ = child.wait();
        }
        self.children.clear();
    }

    pub fn reap(&mut self) {
        self.children
            .retain_mut(|c| !matches!(c.try_wait(), Ok(Some(_))));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.down();
    }
}

fn read_pid(dir: &Path) -> Option<i32> {
    std::fs::read_to_string(dir.join("pid"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
}

/// Alive and not a zombie.
pub fn alive(pid: i32) -> bool {
    sl_node::process_alive(pid)
}

fn wait_gone(pid: i32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while alive(pid) {
        if Instant::now() > deadline {
            return false;
        }
        // Reap it if it is our child; harmless otherwise.
        // SAFETY: non-blocking waitpid on one pid.
        unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) };
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

fn nft(script: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut child = Command::new("nft")
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("running nft (install nftables; slchaos needs root for partitions)")?;
    child
        .stdin
        .take()
        .context("nft's stdin")?
        .write_all(script.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!("nft: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}
