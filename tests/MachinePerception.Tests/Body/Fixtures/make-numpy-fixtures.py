#!/usr/bin/python3
"""Writes the .npz fixtures that NpzArchiveTests reads: arrays of every dtype the reader supports, C and Fortran
order, both byte orders, a 0-d array, np.savez (stored) and np.savez_compressed (deflate), and one entry in .npy
format version 2.0. Run with Debian's python3-numpy: python3 make-numpy-fixtures.py (writes beside this script)."""
import io, os, zipfile
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
arrays = {
    "a_f8": np.arange(12, dtype="<f8").reshape(3, 4) * 0.5 - 1,
    "b_f4_fortran": np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4) / 4),
    "c_u4": np.array([4294967295, 0, 1, 2], dtype="<u4"),
    "d_i8_big": np.arange(6, dtype=">i8").reshape(2, 3) - 3,
    "e_bool": np.array([True, False, True]),
    "f_scalar": np.array(3.25),
    "g_i2": np.array([-300, 300], dtype="<i2"),
    "h_u1": np.arange(5, dtype=np.uint8),
    "i_f8_big_fortran": np.asfortranarray(np.arange(6, dtype=">f8").reshape(3, 2) * 1.5),
}
np.savez(os.path.join(here, "numpy-savez.npz"), **arrays)
np.savez_compressed(os.path.join(here, "numpy-savez-compressed.npz"), **arrays)

# format version 2.0 (4-byte header length), written by hand into a zip
buf = io.BytesIO()
np.lib.format.write_array(buf, np.arange(3, dtype="<i4") * 7, version=(2, 0))
with zipfile.ZipFile(os.path.join(here, "numpy-format-2.npz"), "w") as z:
    z.writestr("v2.npy", buf.getvalue())
