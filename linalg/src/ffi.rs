//! The few CBLAS and LAPACK entry points the kernels use, declared once. OpenBLAS provides all of
//! them (Debian's libopenblas carries LAPACK); `blas-src` makes the linker bring it in.
//!
//! Every caller checks dimensions and buffer lengths before calling, because these functions trust
//! their arguments completely.

#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int};

pub const CBLAS_COL_MAJOR: c_int = 102;
pub const CBLAS_NO_TRANS: c_int = 111;
pub const CBLAS_TRANS: c_int = 112;
pub const CBLAS_UPPER: c_int = 121;
pub const CBLAS_LOWER: c_int = 122;
pub const CBLAS_NON_UNIT: c_int = 131;
pub const CBLAS_LEFT: c_int = 141;
pub const CBLAS_RIGHT: c_int = 142;

unsafe extern "C" {
    pub fn cblas_dgemm(
        layout: c_int,
        trans_a: c_int,
        trans_b: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        b: *const f64,
        ldb: c_int,
        beta: f64,
        c: *mut f64,
        ldc: c_int,
    );
    pub fn cblas_dsyrk(
        layout: c_int,
        uplo: c_int,
        trans: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        beta: f64,
        c: *mut f64,
        ldc: c_int,
    );
    pub fn cblas_dtrsm(
        layout: c_int,
        side: c_int,
        uplo: c_int,
        trans_a: c_int,
        diag: c_int,
        m: c_int,
        n: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        b: *mut f64,
        ldb: c_int,
    );
    pub fn dpotrf_(
        uplo: *const c_char,
        n: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        info: *mut c_int,
    );
    pub fn dgeqrt_(
        m: *const c_int,
        n: *const c_int,
        nb: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        t: *mut f64,
        ldt: *const c_int,
        work: *mut f64,
        info: *mut c_int,
    );
    pub fn dtpqrt_(
        m: *const c_int,
        n: *const c_int,
        l: *const c_int,
        nb: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        b: *mut f64,
        ldb: *const c_int,
        t: *mut f64,
        ldt: *const c_int,
        work: *mut f64,
        info: *mut c_int,
    );
    pub fn dgemqrt_(
        side: *const c_char,
        trans: *const c_char,
        m: *const c_int,
        n: *const c_int,
        k: *const c_int,
        nb: *const c_int,
        v: *const f64,
        ldv: *const c_int,
        t: *const f64,
        ldt: *const c_int,
        c: *mut f64,
        ldc: *const c_int,
        work: *mut f64,
        info: *mut c_int,
    );
    pub fn dtpmqrt_(
        side: *const c_char,
        trans: *const c_char,
        m: *const c_int,
        n: *const c_int,
        k: *const c_int,
        l: *const c_int,
        nb: *const c_int,
        v: *const f64,
        ldv: *const c_int,
        t: *const f64,
        ldt: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        b: *mut f64,
        ldb: *const c_int,
        work: *mut f64,
        info: *mut c_int,
    );
    pub fn dgeqrf_(
        m: *const c_int,
        n: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        tau: *mut f64,
        work: *mut f64,
        lwork: *const c_int,
        info: *mut c_int,
    );
    pub fn dgesdd_(
        jobz: *const c_char,
        m: *const c_int,
        n: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        s: *mut f64,
        u: *mut f64,
        ldu: *const c_int,
        vt: *mut f64,
        ldvt: *const c_int,
        work: *mut f64,
        lwork: *const c_int,
        iwork: *mut c_int,
        info: *mut c_int,
    );
    pub fn dgbbrd_(
        vect: *const c_char,
        m: *const c_int,
        n: *const c_int,
        ncc: *const c_int,
        kl: *const c_int,
        ku: *const c_int,
        ab: *mut f64,
        ldab: *const c_int,
        d: *mut f64,
        e: *mut f64,
        q: *mut f64,
        ldq: *const c_int,
        pt: *mut f64,
        ldpt: *const c_int,
        c: *mut f64,
        ldc: *const c_int,
        work: *mut f64,
        info: *mut c_int,
    );
    pub fn dbdsqr_(
        uplo: *const c_char,
        n: *const c_int,
        ncvt: *const c_int,
        nru: *const c_int,
        ncc: *const c_int,
        d: *mut f64,
        e: *mut f64,
        vt: *mut f64,
        ldvt: *const c_int,
        u: *mut f64,
        ldu: *const c_int,
        c: *mut f64,
        ldc: *const c_int,
        work: *mut f64,
        info: *mut c_int,
    );
    pub fn openblas_set_num_threads(count: c_int);
    pub fn openblas_get_num_threads() -> c_int;
}
