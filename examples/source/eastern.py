"""Example return workbooks for the Eastern region, December 2019 round.

Transcribed from the Eastern Regional Update - December 2019: each network's
"Update" sheet holds its bullets (Section on the first row of each section, blank
below; a row with only a Sub-bullet nests under the Bullet above it). The merge
orders bullets by the update_sections order, then by network order in
examples/eastern/region.toml, then by row order, which gives the seed's order.
Network names, chairs and directors are invented for the example. Each entry of
RETURNS is one workbook written to examples/eastern/.
"""

from datetime import date

RETURNS = [
    {
        "file": "data-and-performance-leads.xlsx",
        "about": {
            "Network": "Data and Performance Leads",
            "Period": "December 2019",
            "Completed by": "Priya Mistry",
            "Email": "priya.mistry@example.org.uk",
            "Date submitted": date(2019, 12, 2),
            "Chair": "Priya Mistry",
            "Chair LA": "Hertfordshire",
            "Director link": "Alan Whitford",
            "Director link LA": "Essex",
        },
        "sheets": {
            "Update": [
                {
                    "Section": "Data Benchmarking",
                    "Bullet": "The regular quarterly tartan rug report highlights comparative performance across all LAs in the region against a range of performance measures",
                    "Sub-bullet": "",
                },
                {
                    "Section": "",
                    "Bullet": "A performance benchmarking report for 2018/19 has been published for the region; it pulls together data from the tartan rug alongside nationally published data across children’s social care",
                    "Sub-bullet": "",
                },
                {
                    "Section": "",
                    "Bullet": "The next regional benchmarking exercise will focus on assessment factors.",
                    "Sub-bullet": "",
                },
            ],
        },
    },
    {
        "file": "workforce-resourcing-and-development-group.xlsx",
        "about": {
            "Network": "Workforce, Resourcing and Development Group",
            "Period": "December 2019",
            "Completed by": "Gemma Hollis",
            "Email": "gemma.hollis@example.org.uk",
            "Date submitted": date(2019, 12, 3),
            "Chair": "Gemma Hollis",
            "Chair LA": "Suffolk",
            "Director link": "Ruth Calloway",
            "Director link LA": "Norfolk",
        },
        "sheets": {
            "Update": [
                {
                    "Section": "Network Highlights",
                    "Bullet": "The regular regional networks continue to be held, together with the re-establishment of a workforce, resourcing and development group for workforce leads across the region",
                    "Sub-bullet": "",
                },
            ],
        },
    },
    {
        "file": "leaving-care-network.xlsx",
        "about": {
            "Network": "Leaving Care Network",
            "Period": "December 2019",
            "Completed by": "Daniel Okafor",
            "Email": "daniel.okafor@example.org.uk",
            "Date submitted": date(2019, 12, 4),
            "Chair": "Daniel Okafor",
            "Chair LA": "Luton",
            "Director link": "Marcus Penrose",
            "Director link LA": "Central Bedfordshire",
        },
        "sheets": {
            "Update": [
                {
                    "Section": "Network Highlights",
                    "Bullet": "A regional conference has been held for the leaving care group with a focus on developing local offers",
                    "Sub-bullet": "",
                },
            ],
        },
    },
    {
        "file": "corporate-parenting-steering-group.xlsx",
        "about": {
            "Network": "Corporate Parenting Steering Group",
            "Period": "December 2019",
            "Completed by": "Helen Marsh",
            "Email": "helen.marsh@example.org.uk",
            "Date submitted": date(2019, 12, 5),
            "Chair": "Helen Marsh",
            "Chair LA": "Cambridgeshire",
            "Director link": "Sophie Tranter",
            "Director link LA": "Peterborough",
        },
        "sheets": {
            "Update": [
                {
                    "Section": "Network Highlights",
                    "Bullet": "The corporate parenting steering group (CPSG) is developing ideas for a regional conference on placement stability",
                    "Sub-bullet": "",
                },
            ],
        },
    },
    {
        "file": "regional-improvement-and-peer-challenge-group.xlsx",
        "about": {
            "Network": "Regional Improvement and Peer Challenge Group",
            "Period": "December 2019",
            "Completed by": "Tom Ellery",
            "Email": "tom.ellery@example.org.uk",
            "Date submitted": date(2019, 12, 6),
            "Chair": "Karen Ashdown",
            "Chair LA": "Bedford Borough",
            "Director link": "Nadia Quinlan",
            "Director link LA": "Southend-on-Sea",
        },
        "sheets": {
            "Update": [
                {
                    "Section": "Regional Self-Assessment and DCS Peer Challenge",
                    "Bullet": "The 2019 annual self-assessment process concluded in June. A six-month status update challenge will be conducted before the end of the year and this will include a six-month data review",
                    "Sub-bullet": "",
                },
                {
                    "Section": "",
                    "Bullet": "A workshop has been held to review the template used for self-assessment to ensure that it remains current/relevant to changing needs.",
                    "Sub-bullet": "",
                },
                {
                    "Section": "Regional Priorities",
                    "Bullet": "Regional priorities were agreed by the DCS group at the peer challenge event. A meeting is planned with the chairs of all the regional networking groups to disseminate the priority areas and establish each group’s contribution to them. The priority areas are:",
                    "Sub-bullet": "",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Outcomes for children in need and early help",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Children not in school and vulnerable learners",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Serious youth violence",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Managing the placement market through regional alliances",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Middle and frontline leadership and management",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Continual improvement through self-assessment",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Peer challenge and review",
                },
                {
                    "Section": "",
                    "Bullet": "",
                    "Sub-bullet": "Sharing good practice",
                },
                {
                    "Section": "",
                    "Bullet": "A regional conference was held in September to focus on the priority area of serious youth violence; this combined national, regional and local best practice. We continue to seek opportunities for further regional collaboration to tackle this issue",
                    "Sub-bullet": "",
                },
                {
                    "Section": "",
                    "Bullet": "A leadership and management training programme is being constructed by a regional working group in conjunction with The Staff College, targeting heads of service and team managers.",
                    "Sub-bullet": "",
                },
                {
                    "Section": "Peer Review and Inspection",
                    "Bullet": "Peer reviews continue to provide challenge and support in targeted, thematic areas of service",
                    "Sub-bullet": "",
                },
                {
                    "Section": "",
                    "Bullet": "They have been undertaken across social care, education and SEND services with others planned for the coming year",
                    "Sub-bullet": "",
                },
                {
                    "Section": "",
                    "Bullet": "The focus of education service peer reviews, which are being conducted across the region, is on school exclusions.",
                    "Sub-bullet": "",
                },
                {
                    "Section": "Network Highlights",
                    "Bullet": "A regional leaders’ event for chief execs, lead members and DCSs is being planned and is likely to be scheduled in early 2020.",
                    "Sub-bullet": "",
                },
            ],
        },
    },
]
