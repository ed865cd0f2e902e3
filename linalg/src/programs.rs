//! The standard programs, shipped in the dialect: Cholesky, GEMM (square and rectangular),
//! TRSM, TSQR, CAQR and the band reduction of the SVD.

/// `(file name, source)` of every shipped program file.
pub const SHIPPED: &[(&str, &str)] = &[
    ("cholesky.py", include_str!("../programs/cholesky.py")),
    ("gemm.py", include_str!("../programs/gemm.py")),
    ("trsm.py", include_str!("../programs/trsm.py")),
    ("tsqr.py", include_str!("../programs/tsqr.py")),
    ("qr.py", include_str!("../programs/qr.py")),
    ("svd.py", include_str!("../programs/svd.py")),
];

/// Compiles a shipped program by its function name.
pub fn shipped(name: &str) -> Option<crate::program::Program> {
    SHIPPED.iter().find_map(|(file, source)| {
        crate::program::parse_file(file, source)
            .ok()?
            .into_iter()
            .find(|p| p.name == name)
    })
}
