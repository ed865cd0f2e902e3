//! numpywren on a real three-node cluster (`slnode up`, real processes on loopback): matrices go
//! in as `.npy` files (C and Fortran order), Cholesky, GEMM, TRSM and TSQR run across the nodes
//! with tiles in the replicated object store, and each result read back with `matrix get` is
//! checked against one direct LAPACK/BLAS call on the whole matrix. Bad input is one clear error
//! that stores nothing; a kernel failure names the DAG node and kernel; a cancelled run frees
//! its tiles. A Cholesky run survives kill -9 of the leader mid-run, with the right result.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use ndarray::{Array2, ShapeBuilder};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};
use serde_json::Value;
use sl_linalg::kernels::Kernel;
use sl_linalg::tile::Tile;

mod support;
use support::cluster::{Cluster, kill_9};
use support::text;

fn ok(output: Output) -> Output {
    assert!(output.status.success(), "{}", text(&output));
    output
}

fn json_of(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|_| panic!("no JSON last line: {}", text(output)))
}

/// A deterministic matrix with entries in [-1, 1).
fn random(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    Array2::from_shape_fn((rows, cols), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    })
}

fn spd(n: usize, seed: u64) -> Array2<f64> {
    let m = random(n, n, seed);
    let mut a = &m + &m.t();
    for i in 0..n {
        a[[i, i]] += 2.0 * n as f64;
    }
    a
}

fn save(dir: &Path, name: &str, matrix: &Array2<f64>) -> String {
    let path = dir.join(format!("{name}.npy"));
    let mut file = std::fs::File::create(&path).unwrap();
    matrix.write_npy(&mut file).unwrap();
    path.display().to_string()
}

fn load(path: &Path) -> Array2<f64> {
    Array2::<f64>::read_npy(std::fs::File::open(path).unwrap()).unwrap()
}

fn tile_of(matrix: &Array2<f64>) -> Tile {
    Tile::from_fn(matrix.nrows(), matrix.ncols(), |r, c| matrix[[r, c]])
}

fn array_of(tile: &Tile) -> Array2<f64> {
    Array2::from_shape_fn(tile.shape(), |(r, c)| tile.get(r, c))
}

/// max |a − b| / max |b|.
fn relative_error(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    let scale = b
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    a.iter()
        .zip(b.iter())
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

fn lapack(kernel: &str, operands: &[&Array2<f64>]) -> Vec<Array2<f64>> {
    let tiles: Vec<Tile> = operands.iter().map(|m| tile_of(m)).collect();
    let refs: Vec<Option<&Tile>> = tiles.iter().map(Some).collect();
    Kernel::from_name(kernel)
        .unwrap()
        .run(&refs)
        .unwrap()
        .iter()
        .map(array_of)
        .collect()
}

/// One kernel at a time per node: these clusters run beside the other cluster tests on two
/// cores, whose health checks need the CPU too.
fn light_nodes() {
    // SAFETY: set before this test starts any thread or process (nextest runs each test in a
    // process of its own); the nodes `up` starts inherit it.
    unsafe { std::env::set_var("SLNODE_LAMBDAPACK_SLOTS", "1") };
}

impl Cluster {
    fn matrix_names(&self) -> Vec<String> {
        let list = json_of(&ok(self.cli(&["matrix", "ls", "--json"])));
        list.as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    }

    fn get(&self, name: &str) -> Array2<f64> {
        let out = self.home.path().join(format!("{name}-out.npy"));
        ok(self.cli(&["matrix", "get", name, "--out", out.to_str().unwrap()]));
        load(&out)
    }

    /// `lambdapack submit ARGS --json` without waiting: the run's id and the answer.
    fn submit(&self, args: &[&str]) -> (String, Value) {
        let mut all = vec!["lambdapack", "submit"];
        all.extend(args);
        all.push("--json");
        let submitted = json_of(&ok(self.cli(&all)));
        (submitted["dag"].as_u64().unwrap().to_string(), submitted)
    }

    fn run_wait(&self, args: &[&str]) -> Value {
        let mut all = vec!["lambdapack", "submit"];
        all.extend(args);
        all.extend(["--wait", "--json"]);
        json_of(&self.cli(&all))
    }

    /// Objects held by all nodes together (replicas counted).
    fn objects(&self) -> u64 {
        let status = self.status().expect("status");
        status["nodes"]
            .as_array()
            .map(|nodes| nodes.iter().filter_map(|n| n["objects"].as_u64()).sum())
            .unwrap_or(0)
    }
}

#[test]
fn factorizations_on_the_cluster_match_one_lapack_call_and_bad_input_stores_nothing() {
    light_nodes();
    // SAFETY: as in `light_nodes`, before any thread or process starts.
    unsafe { std::env::set_var("SLNODE_TILE_CACHE_MIB", "0") };
    let cluster = Cluster::up_on("127.0.31.11", "7700");
    let dir = cluster.home.path();
    let (n, b) = (512, 128);

    // Cholesky from a Fortran-order file.
    let a = spd(n, 1);
    let fortran = Array2::from_shape_vec((n, n).f(), a.t().iter().copied().collect()).unwrap();
    assert_eq!(fortran, a);
    let a_path = save(dir, "a", &fortran);
    ok(cluster.cli(&["matrix", "put", "A", &a_path, "--tile", "128"]));
    assert_eq!(cluster.get("A"), a, "put then get gives the file back");
    let run = cluster.run_wait(&[
        "cholesky", "--arg", "N=4", "--input", "I=A", "--output", "O=L",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    assert_eq!(run["nodes"], 20);
    for field in ["dag", "seconds", "gflops", "bytes_remote", "reexecuted"] {
        assert!(!run[field].is_null(), "{field} in {run}");
    }
    let l = cluster.get("L");
    let expected = &lapack("chol", &[&a])[0];
    assert!(relative_error(&l, expected) < 1e-12, "cholesky");

    // A Kappa job chains factorizations: rt.lambdapack returns when its run ends.
    let driver = dir.join("driver.py");
    std::fs::write(
        &driver,
        r#"
import rt

def main():
    first = rt.lambdapack("cholesky", args={"N": 4}, inputs={"I": "A"}, outputs={"O": "L2"})
    try:
        rt.lambdapack("cholesky", args={"N": 4}, inputs={"I": "NOPE"}, outputs={"O": "L3"})
        missing = "no error"
    except ValueError as e:
        missing = str(e)
    return {"first": first["status"], "nodes": first["nodes"], "missing": missing}
"#,
    )
    .unwrap();
    let job = json_of(&cluster.cli(&["submit", driver.to_str().unwrap(), "--wait", "--json"]));
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["result"]["first"], "done", "{job}");
    assert_eq!(job["result"]["nodes"], 20, "{job}");
    assert!(
        job["result"]["missing"]
            .as_str()
            .unwrap()
            .contains("no matrix NOPE"),
        "{job}"
    );
    assert_eq!(cluster.get("L2"), l, "the job's run wrote the same factor");

    // GEMM and TRSM (X = L⁻¹·B with the factor just computed, B 512×256).
    let (g1, g2) = (random(n, n, 2), random(n, n, 3));
    let g1_path = save(dir, "g1", &g1);
    let g2_path = save(dir, "g2", &g2);
    ok(cluster.cli(&["matrix", "put", "G1", &g1_path, "--tile", "128"]));
    ok(cluster.cli(&["matrix", "put", "G2", &g2_path, "--tile", "128"]));
    let run = cluster.run_wait(&[
        "gemm", "--arg", "N=4", "--input", "A=G1", "--input", "B=G2", "--output", "O=P",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    let expected = &lapack("gemm", &[&g1, &g2])[0];
    assert!(relative_error(&cluster.get("P"), expected) < 1e-12, "gemm");

    // Chains on a cluster keeping no tile cache (SLNODE_TILE_CACHE_MIB=0, set by this test):
    // a chained node reads its parent's results from the chain itself, never from a store
    // write still under way — including an output tile (Cholesky on 2×2 tiles is one chain,
    // chol → trsm → syrk → chol, each reading the O tile just computed) and a tile read twice
    // (repeated squaring).
    let small = spd(256, 10);
    let small_path = save(dir, "small", &small);
    ok(cluster.cli(&["matrix", "put", "S2", &small_path, "--tile", "128"]));
    let run = cluster.run_wait(&[
        "cholesky", "--arg", "N=2", "--input", "I=S2", "--output", "O=L2C",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    let expected = &lapack("chol", &[&small])[0];
    assert!(
        relative_error(&cluster.get("L2C"), expected) < 1e-12,
        "cholesky as one chain"
    );
    let powers = cluster.file(
        "powers.py",
        "def powers(A: BigMatrix, P: BigMatrix, O: BigMatrix, K: int):\n\
         \x20   P[0, 0, 0] = gemm(A[0, 0], A[0, 0])\n\
         \x20   for k in range(1, K):\n\
         \x20       P[0, 0, k] = gemm(P[0, 0, k - 1], P[0, 0, k - 1])\n\
         \x20   O[0, 0] = copy(P[0, 0, K - 1])\n",
    );
    let base = random(128, 128, 11).mapv(|x| x / 64.0);
    let base_path = save(dir, "base", &base);
    ok(cluster.cli(&["matrix", "put", "PB", &base_path, "--tile", "128"]));
    let run = cluster.run_wait(&[
        &powers, "--arg", "K=3", "--input", "A=PB", "--output", "O=PO",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    let mut expected = base.clone();
    for _ in 0..3 {
        expected = expected.dot(&expected);
    }
    assert!(
        relative_error(&cluster.get("PO"), &expected) < 1e-12,
        "repeated squaring"
    );
    let rhs = random(n, 256, 4);
    let rhs_path = save(dir, "rhs", &rhs);
    ok(cluster.cli(&["matrix", "put", "RHS", &rhs_path, "--tile", "128"]));
    let run = cluster.run_wait(&[
        "trsm", "--arg", "N=4", "--arg", "M=2", "--input", "L=L", "--input", "B=RHS", "--output",
        "X=X",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    let expected = &lapack("trsm_left", &[&l, &rhs])[0];
    assert!(relative_error(&cluster.get("X"), expected) < 1e-10, "trsm");

    // TSQR of a 1024×128 matrix: R (at R[levels, 0]) equals LAPACK's up to row signs.
    let tall = random(1024, b, 5);
    let tall_path = save(dir, "tall", &tall);
    ok(cluster.cli(&["matrix", "put", "T", &tall_path, "--tile", "128"]));
    let run = cluster.run_wait(&["tsqr", "--arg", "N=8", "--input", "A=T", "--output", "R=TR"]);
    assert_eq!(run["status"], "done", "{run}");
    let tr = cluster.get("TR");
    let r = tr.slice(ndarray::s![3 * b..4 * b, 0..b]).to_owned();
    let reference = &lapack("qr_factor", &[&tall])[2];
    let reference = reference.slice(ndarray::s![0..b, 0..b]).to_owned();
    assert!(
        relative_error(&r.mapv(f64::abs), &reference.mapv(f64::abs)) < 1e-12,
        "tsqr"
    );

    // CAQR of a 512×256 matrix (4×2 tiles): R equals LAPACK's up to row signs; the Householder
    // blocks are intermediates of the run.
    let wide = random(512, 256, 6);
    let wide_path = save(dir, "wide", &wide);
    ok(cluster.cli(&["matrix", "put", "W", &wide_path, "--tile", "128"]));
    let run = cluster.run_wait(&[
        "qr", "--arg", "M=4", "--arg", "N=2", "--input", "A=W", "--output", "R=WR",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    let reference = &lapack("qr_factor", &[&wide])[2];
    let reference = reference.slice(ndarray::s![0..256, 0..256]).to_owned();
    assert!(
        relative_error(&cluster.get("WR").mapv(f64::abs), &reference.mapv(f64::abs)) < 1e-10,
        "caqr"
    );

    // Rectangular GEMM(M=3, N=4, K=2): a 384×256 times a 256×512.
    let (r1, r2) = (random(384, 256, 7), random(256, 512, 8));
    let r1_path = save(dir, "r1", &r1);
    let r2_path = save(dir, "r2", &r2);
    ok(cluster.cli(&["matrix", "put", "GA", &r1_path, "--tile", "128"]));
    ok(cluster.cli(&["matrix", "put", "GB", &r2_path, "--tile", "128"]));
    let gemm_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../linalg/programs/gemm.py");
    let run = cluster.run_wait(&[
        gemm_file,
        "--program",
        "gemm_rect",
        "--arg",
        "M=3",
        "--arg",
        "N=4",
        "--arg",
        "K=2",
        "--input",
        "A=GA",
        "--input",
        "B=GB",
        "--output",
        "O=GO",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    let expected = &lapack("gemm", &[&r1, &r2])[0];
    assert!(
        relative_error(&cluster.get("GO"), expected) < 1e-12,
        "gemm_rect"
    );

    // SVD of a 512×384 matrix: the band reduction runs on the cluster, its band's singular
    // values (`matrix singular-values`) are those of one dgesdd call.
    let sv = random(512, 384, 9);
    let sv_path = save(dir, "sv", &sv);
    ok(cluster.cli(&["matrix", "put", "SA", &sv_path, "--tile", "128"]));
    let run = cluster.run_wait(&[
        "svd", "--arg", "M=4", "--arg", "N=3", "--input", "A=SA", "--output", "B=SB",
    ]);
    assert_eq!(run["status"], "done", "{run}");
    let values: Vec<f64> = serde_json::from_slice(
        &ok(cluster.cli(&["matrix", "singular-values", "SB", "--json"])).stdout,
    )
    .unwrap();
    let expected = sl_linalg::verify::singular_values_single_call(&mut tile_of(&sv)).unwrap();
    assert_eq!(values.len(), expected.len());
    let worst = values
        .iter()
        .zip(&expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst / expected[0] < 1e-10, "svd values off by {worst}");
    // A matrix that is not a band is refused, not reduced to wrong values.
    let refused = cluster.cli(&["matrix", "singular-values", "G1"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("outside an upper band"));

    // Bad files: one clear error each, nothing stored.
    let before = cluster.matrix_names();
    let not_npy = dir.join("not.npy");
    std::fs::write(&not_npy, "hello").unwrap();
    let truncated = dir.join("truncated.npy");
    std::fs::write(&truncated, &std::fs::read(&a_path).unwrap()[..1000]).unwrap();
    let vector = dir.join("vector.npy");
    ndarray::Array1::<f64>::zeros(8)
        .write_npy(std::fs::File::create(&vector).unwrap())
        .unwrap();
    let floats = dir.join("f32.npy");
    Array2::<f32>::zeros((8, 8))
        .write_npy(std::fs::File::create(&floats).unwrap())
        .unwrap();
    for bad in [&not_npy, &truncated, &vector, &floats] {
        let output = cluster.cli(&["matrix", "put", "BAD", bad.to_str().unwrap(), "--tile", "4"]);
        assert!(!output.status.success(), "{}", text(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("not a two-dimensional float64 .npy"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "one error: {stderr}");
    }
    assert_eq!(cluster.matrix_names(), before, "a bad file stores nothing");

    // A matrix that is not SPD fails the run naming the node and the kernel; no output appears.
    ok(cluster.cli(&[
        "matrix", "random", "NS", "--size", "512", "--tile", "128", "--seed", "9",
    ]));
    let run = cluster.run_wait(&[
        "cholesky", "--arg", "N=4", "--input", "I=NS", "--output", "O=NSL",
    ]);
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains("chol(i=0)") && error.contains("kernel chol"),
        "{error}"
    );
    assert!(!cluster.matrix_names().contains(&"NSL".to_owned()));

    // Arguments reading past an input are refused before the run starts.
    let output = cluster.cli(&[
        "lambdapack",
        "submit",
        "cholesky",
        "--arg",
        "N=5",
        "--input",
        "I=A",
        "--output",
        "O=L5",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("reads tiles of I up to [4, 4]"));

    // Generated on the nodes; a cancelled run ends as cancelled and leaves no intermediates.
    ok(cluster.cli(&[
        "matrix", "random", "R1", "--size", "2048", "--tile", "128", "--seed", "1",
    ]));
    ok(cluster.cli(&[
        "matrix", "random", "R2", "--size", "2048", "--tile", "128", "--seed", "2",
    ]));
    let objects_before = cluster.objects();
    let (id, submitted) = cluster.submit(&[
        "gemm", "--arg", "N=16", "--input", "A=R1", "--input", "B=R2", "--output", "O=R3",
    ]);
    assert_eq!(submitted["nodes"], 16 * 16 * (16 + 1));
    ok(cluster.cli(&["lambdapack", "cancel", &id]));
    let status = json_of(&ok(cluster.cli(&["lambdapack", "status", &id, "--json"])));
    assert_eq!(status["status"], "failed");
    assert_eq!(status["error"], "cancelled");
    // Nodes running at the cancel may still write a tile or two after the clean-up; within a
    // few seconds the store is back to what it held before the run.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = cluster.objects();
        if now <= objects_before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{now} objects after the cancel, {objects_before} before"
        );
        // A tile written after the clean-up stays: clean again as a user would.
        ok(cluster.cli(&["lambdapack", "cancel", &id]));
    }
    assert!(!cluster.matrix_names().contains(&"R3".to_owned()));
}

#[test]
fn a_cholesky_run_survives_kill_9_of_the_leader() {
    let first_ip = "127.0.32.11";
    light_nodes();
    let cluster = Cluster::up_on(first_ip, "7710");
    // Tiles of 128: 816 DAG nodes, so the run is still under way when a status poll (a CLI
    // process of its own, slow on a loaded machine) first sees it started.
    ok(cluster.cli(&[
        "matrix", "random", "A", "--size", "2048", "--tile", "128", "--spd", "--seed", "4",
    ]));
    let a = cluster.get("A");
    // A GEMM in flight too: its k-chains run as one lease each (partial sums never stored), so
    // a chain on the killed node is lost whole and runs again from its leased node.
    let (g1, g2) = (random(1024, 1024, 5), random(1024, 1024, 6));
    let g1_path = save(&cluster.dir, "g1", &g1);
    let g2_path = save(&cluster.dir, "g2", &g2);
    ok(cluster.cli(&["matrix", "put", "G1", &g1_path, "--tile", "128"]));
    ok(cluster.cli(&["matrix", "put", "G2", &g2_path, "--tile", "128"]));
    let (gemm_id, _) = cluster.submit(&[
        "gemm", "--arg", "N=8", "--input", "A=G1", "--input", "B=G2", "--output", "O=P",
    ]);
    let (id, _) = cluster.submit(&[
        "cholesky", "--arg", "N=16", "--input", "I=A", "--output", "O=L",
    ]);
    // Kill the leader once the run is under way, then bring it back.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = json_of(&ok(cluster.cli(&["lambdapack", "status", &id, "--json"])));
        let done = status["completed"].as_u64().unwrap();
        if done >= 5 || status["status"] == "done" {
            assert!(done < 816, "the run ended before the kill; make it longer");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the run does not progress: {status}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let leader = cluster.wait_for_leader();
    kill_9(cluster.pid_of(leader));
    cluster.wait_for_leader();
    ok(cluster.up_again(first_ip));
    let deadline = Instant::now() + Duration::from_secs(180);
    for id in [&id, &gemm_id] {
        let status = loop {
            let output = cluster.cli(&["lambdapack", "status", id, "--json"]);
            if output.status.success() {
                let status = json_of(&output);
                if matches!(status["status"].as_str(), Some("done" | "failed")) {
                    break status;
                }
            }
            assert!(
                Instant::now() < deadline,
                "run {id} did not finish after the kill"
            );
            std::thread::sleep(Duration::from_millis(250));
        };
        assert_eq!(status["status"], "done", "{status}");
        assert_eq!(status["completed"], status["nodes"], "{status}");
    }
    let l = cluster.get("L");
    let expected = &lapack("chol", &[&a])[0];
    assert!(
        relative_error(&l, expected) < 1e-12,
        "cholesky after kill -9"
    );
    let expected = &lapack("gemm", &[&g1, &g2])[0];
    assert!(
        relative_error(&cluster.get("P"), expected) < 1e-12,
        "gemm after kill -9"
    );
}
