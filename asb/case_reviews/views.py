from flask import Blueprint

blueprint = Blueprint("case_reviews", __name__)
