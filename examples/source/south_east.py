"""Example return workbooks for the South East region, December 2019 round.

An update written as most regions write theirs: paragraphs of prose, a lead-in
line ending with a colon before a short list, and the year's priorities as one
numbered list in groups under unbulleted labels (Paragraph rows), numbered 1 to
10 across the labels. Everything here is invented for the example, in the shape
of the regions' published updates. Each entry of RETURNS is one workbook
written to examples/south-east/.
"""

from datetime import date

SECTOR_LED = "Sector-Led Improvement"
PRIORITIES = "Regional Priorities"
NEWS = "Network News"

RETURNS = [
    {
        "file": "regional-improvement-board.xlsx",
        "about": {
            "Network": "Regional Improvement Board",
            "Period": "December 2019",
            "Completed by": "Harriet Lyle",
            "Email": "harriet.lyle@example.org.uk",
            "Date submitted": date(2019, 12, 4),
        },
        "sheets": {
            "Update": [
                {"Section": SECTOR_LED, "Paragraph": "Every local authority in the region completed its annual "
                 "self-assessment this autumn, and the DCS group met in November to challenge each other on what "
                 "the assessments show. The conversations were candid and, directors said, more useful than last "
                 "year's because each authority brought its own data to the table."},
                {"Paragraph": "Three themes came up in almost every conversation:"},
                {"Bullet": "keeping experienced social workers in frontline teams"},
                {"Bullet": "the rising number of children placed far from home"},
                {"Bullet": "how quickly help reaches families before problems escalate"},
                {"Paragraph": "For further details of the programme go to www.seslip.co.uk."},
                {"Section": PRIORITIES, "Paragraph": "Directors agreed ten regional priorities for 2020, grouped by "
                 "the kind of change each will bring. Lead authorities will report progress to the DCS group each "
                 "quarter."},
                {"Paragraph": "Actions that will address practice issues:"},
                {"Numbered": "Agree a shared approach to assessing neglect, with one set of tools used across "
                 "the region"},
                {"Numbered": "Review how return interviews for children missing from care are recorded and acted on"},
                {"Numbered": "Pilot joint supervision for practitioners working with adolescents at risk of "
                 "exploitation"},
                {"Numbered": "Reduce the time children wait between referral and assessment"},
                {"Numbered": "Share audit findings on the quality of plans for children in need"},
                {"Paragraph": "Actions that will develop leadership capacity:"},
                {"Numbered": "Launch a programme for aspiring heads of service, run with the regional "
                 "workforce group"},
                {"Numbered": "Offer peer mentoring to newly appointed directors"},
                {"Paragraph": "Actions that will improve the market for placements:"},
                {"Numbered": "Commission a regional framework for residential care with neighbouring regions"},
                {"Numbered": "Map the sufficiency of foster care by age group and need"},
                {"Numbered": "Set up a shared recruitment campaign for foster carers"},
                {"Bullet": "Progress on each priority will appear in this update every quarter."},
            ],
        },
    },
    {
        "file": "principal-social-workers.xlsx",
        "about": {
            "Network": "Principal Social Workers",
            "Period": "December 2019",
            "Completed by": "Anika Bose",
            "Email": "anika.bose@example.org.uk",
            "Date submitted": date(2019, 12, 2),
        },
        "sheets": {
            "Update": [
                {"Section": NEWS, "Paragraph": "The principal social workers' network has met monthly since "
                 "September. Its practice week in October drew more than three hundred practitioners to sessions "
                 "run by colleagues from across the region."},
                {"Paragraph": "The network's work for the coming quarter:"},
                {"Bullet": "a practice standard for direct work with children"},
                {"Sub-bullet": "drafted with young people from two children in care councils"},
                {"Sub-bullet": "to be tested in three authorities before it is shared"},
                {"Bullet": "a regional forum for newly qualified social workers"},
            ],
        },
    },
    {
        "file": "virtual-school-heads.xlsx",
        "about": {
            "Network": "Virtual School Heads",
            "Period": "December 2019",
            "Completed by": "Owen Marsh",
            "Email": "owen.marsh@example.org.uk",
            "Date submitted": date(2019, 12, 3),
        },
        "sheets": {
            "Update": [
                {"Section": NEWS, "Paragraph": "Virtual school heads have agreed a common format for personal "
                 "education plans, so that a child who moves between authorities keeps the same plan. The format "
                 "is published at https://www.example.org.uk/pep-format and will be used from April."},
            ],
        },
    },
]
