"""Cell references agree with openpyxl's, which they stand in for."""

from __future__ import annotations

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException

from ria_docs.cell_refs import MAX_COLUMN, column_letter, column_number, split_ref


def test_every_column_letter_and_number_as_openpyxl_has_them():
    for index in range(1, MAX_COLUMN + 1):
        letters = column_letter(index)
        assert letters == get_column_letter(index)
        assert column_number(letters) == index == column_number(letters.lower())


@pytest.mark.parametrize("ref", ["A1", "$D$7", "xfd1048576", "AB12"])
def test_a_reference_splits_as_openpyxl_splits_it(ref):
    assert split_ref(ref) == coordinate_from_string(ref)
    letters, _row = split_ref(ref)
    assert column_number(letters) == column_index_from_string(letters)


@pytest.mark.parametrize("bad", ["", "A0", "1A", "AAAA1", "A-1", "É1"])
def test_a_reference_that_is_not_one_is_refused(bad):
    with pytest.raises(ValueError):
        split_ref(bad)
    with pytest.raises(CellCoordinatesException):  # openpyxl refuses them too
        coordinate_from_string(bad)
